import type { RenderedMail } from './department-report.js';
import { shanghaiDateTime } from './format.js';
import { COLORS, esc, page, paragraph } from './html.js';

/**
 * "Your plan (or report) is due" to a third-party agency's contacts (pure): what is due, for which project,
 * and how to request an upload link (a presigned link expires in 15 minutes, so the mail carries the way
 * to get one, not a link). zh-CN first, English below, in one message.
 */
export interface EvaluationDueInput {
  due: 'plan' | 'report';
  evaluationId: string;
  projectId: string;
  projectName: string;
  agencyName: string;
  /** Where the API is reached from outside, e.g. `https://api.example.gov.cn`. */
  apiBaseUrl: string;
  generatedAt: Date;
}

const zh = {
  plan: { what: '评价方案', next: '方案经财政局审核批准后，方可开展现场评价。' },
  report: {
    what: '评价报告',
    next: '评价方案已批准。请开展评价，并上传评价报告及证据材料，然后提交报告（得分、等级和评价发现）。',
  },
};
const en = {
  plan: { what: 'evaluation plan', next: 'Fieldwork may start once the bureau has approved the plan.' },
  report: {
    what: 'evaluation report',
    next: 'The plan is approved. Carry out the evaluation, upload the report and its evidence, then submit the report (score, grade and findings).',
  },
};

export function renderEvaluationDue(m: EvaluationDueInput): RenderedMail {
  const url = `${m.apiBaseUrl}/v1/evaluations/${m.evaluationId}/upload-links`;
  const kinds = m.due === 'plan' ? 'plan' : 'report | evidence';
  const body = JSON.stringify({
    kind: m.due,
    fileName: m.due === 'plan' ? '评价方案.pdf' : '评价报告.pdf',
    contentType: 'application/pdf',
    size: 123456,
  });
  const subject = `【第三方评价】请上传${zh[m.due].what}：${m.projectName}（${m.projectId}） · Please upload the ${en[m.due].what}`;
  const zhLines = [
    `${m.agencyName}：`,
    `贵机构受托评价的项目“${m.projectName}”（项目编号 ${m.projectId}，评价编号 ${m.evaluationId}）现需上传${zh[m.due].what}。${zh[m.due].next}`,
    `申请上传链接：以本机构账号登录后，向 POST ${url} 发送 JSON（kind 为 ${kinds}），写明文件名、类型和字节数。返回的 pageUrl 是一个上传网页，可在电脑或手机浏览器中打开，15 分钟内有效，仅可上传这一个文件；文件的大小和类型必须与申请时一致，否则将被拒收。`,
    '允许的文件：PDF、DOCX、XLSX、JPEG、PNG，不超过 50 MiB。',
  ];
  const enLines = [
    `To ${m.agencyName}:`,
    `The ${en[m.due].what} of project "${m.projectName}" (${m.projectId}, evaluation ${m.evaluationId}) is due. ${en[m.due].next}`,
    `To get an upload link, signed in as your agency, POST JSON to ${url} (kind: ${kinds}) naming the file, its type and its size in bytes. The pageUrl of the reply is an upload page for a computer or phone browser, valid for 15 minutes and for that one file; the file's size and type must be as declared, or it is rejected.`,
    'Allowed: PDF, DOCX, XLSX, JPEG, PNG, up to 50 MiB.',
  ];
  const footer = `生成时间 Generated：${shanghaiDateTime(m.generatedAt)}（北京时间 Beijing time）。本邮件由预算绩效管理系统自动发送，请勿直接回复。This mail was sent automatically; please do not reply.`;
  const html = page({
    lang: 'zh-CN',
    title: subject,
    kicker: '区财政局 · 预算绩效管理 · 第三方评价',
    heading: `请上传${zh[m.due].what}`,
    subheading: `Please upload the ${en[m.due].what} · ${m.projectName}`,
    body: [
      ...zhLines.map((l) => paragraph(esc(l), 'margin-top:12px;')),
      paragraph(`<code>POST ${esc(url)}</code><br><code>${esc(body)}</code>`, 'font-size:12px;'),
      ...enLines.map((l) => paragraph(esc(l), `color:${COLORS.muted};`)),
    ].join('\n'),
    footer: esc(footer),
  });
  const text = [...zhLines, '', `POST ${url}`, body, '', ...enLines, '', footer].join('\n');
  return { subject, html, text: `${text}\n` };
}
