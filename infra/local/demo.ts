import type { RuntimeInfo } from './system.js';

/**
 * A small, lived-in demo data set, loaded over HTTP through the real API (same validation, audit and
 * rules as any client) on an empty data folder. Later features add their records here.
 */
export const demoDepartments = [
  { id: 'D-EDU', name: '区教育局', contactEmails: ['jiaoyu@example.gov.cn'] },
  { id: 'D-HEALTH', name: '区卫生健康委员会', contactEmails: ['weijian@example.gov.cn'] },
  { id: 'D-TRANS', name: '区交通运输局', contactEmails: ['jiaotong@example.gov.cn'] },
  { id: 'D-AGRI', name: '区农业农村局', contactEmails: ['nongye@example.gov.cn'] },
  { id: 'D-CIVIL', name: '区民政局', contactEmails: ['minzheng@example.gov.cn'], locale: 'en' },
];

export const demoAgencies = [
  { id: 'A-01', name: '华信绩效评价咨询有限公司', contactEmails: ['pingjia@huaxin.example.com'], conflictDepartmentIds: ['D-HEALTH'] },
  { id: 'A-02', name: '正源会计师事务所', contactEmails: ['audit@zhengyuan.example.com'], conflictDepartmentIds: [] },
];

export type Call = (method: string, path: string, body?: unknown) => Promise<unknown>;

export function apiCaller(info: RuntimeInfo, token: string): Call {
  return async (method, path, body) => {
    const res = await fetch(`${info.api}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`demo data: ${method} ${path} → ${res.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  };
}

export async function loadDemoData(finance: Call): Promise<string> {
  for (const d of demoDepartments) await finance('POST', '/v1/departments', d);
  for (const a of demoAgencies) await finance('POST', '/v1/agencies', a);
  return `${demoDepartments.length} departments, ${demoAgencies.length} agencies`;
}
