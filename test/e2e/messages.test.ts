// Every message of a problem speaks zh-CN by default and English on Accept-Language: en (issue 11, item 6):
// the title, the detail the domain gives, and zod's field messages.
import { describe, expect, it } from 'vitest';
import { api, createDepartment, expectProblem, financeToken, token, uniqueId } from './support.js';

const CJK = /[\u3400-\u9fff]/;

describe('problem messages', () => {
  it('say a thing not found in zh-CN by default, in English on request', async () => {
    const dept = await createDepartment(uniqueId('MSG'));
    const bearer = await token({ role: 'department', departmentId: dept.id });

    const zh = expectProblem(await api('/v1/projects/P2026-NOPE', { token: bearer, language: null }), 404);
    const en = expectProblem(await api('/v1/projects/P2026-NOPE', { token: bearer, language: 'en' }), 404);

    expect(zh).toMatchObject({
      type: '/problems/not-found',
      title: '未找到',
      detail: '未找到项目 P2026-NOPE',
    });
    expect(en).toMatchObject({
      type: '/problems/not-found',
      title: 'Not Found',
      detail: 'Project P2026-NOPE was not found',
    });
  });

  it('give zod’s field messages in zh-CN by default, in English on request', async () => {
    const body = { id: uniqueId('MSG'), name: 3, contactEmails: ['a@example.gov.cn'] };
    const bureau = await financeToken();

    const zh = expectProblem(await api('/v1/departments', { token: bureau, body, language: null }), 400);
    const en = expectProblem(
      await api('/v1/departments', { token: bureau, body, language: 'en-US,en;q=0.8' }),
      400,
    );

    expect(zh.errors).toEqual([{ path: 'name', message: expect.stringMatching(CJK) }]);
    expect(zh.detail).toMatch(CJK);
    expect(en.errors).toEqual([{ path: 'name', message: expect.not.stringMatching(CJK) }]);
    expect(en.detail).not.toMatch(CJK);
  });

  it('say a state conflict in zh-CN by default, naming the statuses', async () => {
    const dept = await createDepartment(uniqueId('MSG'));
    const bearer = await token({ role: 'department', departmentId: dept.id });
    const created = await api('/v1/projects', {
      token: bearer,
      body: { fiscalYear: 2026, name: '消息测试', kind: 'project', isNew: false, requestedAmount: 1000 },
    });

    const zh = expectProblem(
      await api(`/v1/projects/${created.json.id}/budget`, {
        token: await financeToken(),
        body: { approvedAmount: 1000 },
        language: null,
      }),
      409,
    );

    expect(zh.type).toBe('/problems/state-conflict');
    expect(zh.detail).toBe('项目当前状态为草稿（draft）；批复预算须在已入库（in_library）状态');
  });
});
