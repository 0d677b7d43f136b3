/**
 * The messages of problems in the client's language. The domain, the store and the use cases throw in
 * English (some with the Chinese in parentheses, `… (尚未提交自评)`); a message that carries both
 * languages itself (`details`, `messages`) is used as it is. For the others, this catalogue gives the
 * zh-CN text: one entry per message (its variable parts captured), the subjects of "not found" by noun.
 * In English the Chinese parentheses are left out; in zh-CN a message the catalogue does not know keeps
 * its Chinese part, or else its English (test/unit/messages.test.ts lists every thrown message against it).
 */
import type { Locale } from './problem-types.js';

const CJK = /[\u3400-\u9fff\uff08\uff09\u3001-\u3002]/;
/** `（…）` or ` (…)` holding Chinese. */
const CJK_PARENS = /\s*(?:（[^（）]*）|\((?=[^()]*[\u3400-\u9fff])[^()]*\))/g;

const statuses: Record<string, string> = {
  draft: '草稿',
  under_review: '审核中',
  returned: '已退回',
  rejected: '已否决',
  in_library: '已入库',
  executing: '执行中',
  open: '待整改',
  responded: '已反馈',
  resolved: '已整改',
  not_resolved: '未整改',
  overdue: '已逾期',
  recommended: '建议中',
  accepted: '已采纳',
  plan_pending: '待提交方案',
  plan_submitted: '方案已提交',
  plan_approved: '方案已批准',
  report_submitted: '报告已提交',
  report_approved: '报告已批准',
  closed: '已关闭',
};
const status = (s: string) => (statuses[s] ? `${statuses[s]}（${s}）` : s);
const statusList = (list: string) =>
  list
    .split(/ or |, /)
    .map((s) => status(s.trim()))
    .join('或');

/** The subjects of messages, longest first where one starts another. */
const nouns: [string, string][] = [
  ['Rectification notice', '整改通知'],
  ['Clawback recommendation', '资金收回建议'],
  ['The self-evaluation of project', '项目的自评：'],
  ['A monitoring result for project', '项目的监控结果：'],
  ['The bulletin of', '通报：年度'],
  ['The route', '接口'],
  ['The file', '文件'],
  ['Self-evaluation', '自评'],
  ['Evaluation', '评价'],
  ['Department', '部门'],
  ['Agency', '评价机构'],
  ['Project', '项目'],
  ['Document', '文档'],
  ['Import', '导入'],
  ['Bulletin', '通报'],
  ['Sweep', '监控扫描'],
];
const noun = (what: string): string => {
  for (const [en, zh] of nouns) {
    if (what === en) return zh;
    if (what.startsWith(`${en} `)) return `${zh} ${translateInline(what.slice(en.length + 1))}`;
  }
  return what;
};
/** Small phrases inside a subject: "(no sweep has covered it yet)", "of agency A-1". */
const translateInline = (s: string) =>
  s
    .replace(/\s*\(no sweep has covered it yet\)/, '（尚无监控扫描覆盖该项目）')
    .replace(/ of agency (\S+)/, '（评价机构 $1）');

type Rule = [RegExp, (...m: string[]) => string];

/** English → zh-CN, by the whole message. */
const rules: Rule[] = [
  // not found, versions, races
  [/^(.+) was not found$/, (what) => `未找到${noun(what)}`],
  [
    /^(.+) is at version (\d+), not (\d+) as If-Match says; reload it$/,
    (what, v, m) => `${noun(what)}当前为版本 ${v}，而非 If-Match 所示的 ${m}；请重新读取`,
  ],
  [
    /^(.+) was changed by someone else meanwhile; reload it and try again$/,
    (what) => `${noun(what)}已被他人同时修改；请重新读取后再试`,
  ],
  [/^(.+) already exists$/, (what) => `${noun(what)}已存在`],
  [
    /^Another change to the same record happened at the same moment; try again$/,
    () => '同一记录同时被修改；请重试',
  ],
  [/^A condition of the write failed$/, () => '写入的前提条件不成立'],
  [
    /^Project (\S+) changed (\d+) times while this expenditure was recorded; try again$/,
    (id, n) => `记录此笔支出期间项目 ${id} 被修改了 ${n} 次；请重试`,
  ],
  [
    /^The spend of project (\S+) moved meanwhile; reload it and try again$/,
    (id) => `项目 ${id} 的支出已变化；请重新读取后再试`,
  ],
  // the edge
  [/^The body is not valid JSON: .*$/, () => '请求体不是有效的 JSON'],
  [/^malformed JSON$/, () => 'JSON 格式错误'],
  [/^If-Match must name a version, e\.g\. If-Match: "3"$/, () => 'If-Match 须为版本号，例如 If-Match: "3"'],
  [/^expected a version number$/, () => '应为版本号'],
  [/^The path has a malformed percent escape in (.+)$/, (name) => `路径参数 ${name} 含有错误的百分号转义`],
  [/^malformed % escape$/, () => '百分号转义格式错误'],
  [/^The request body must be application\/json$/, () => '请求体须为 application/json'],
  [/^nextToken is not valid for this list$/, () => 'nextToken 不适用于此列表'],
  [/^use the nextToken of the previous page of the same list$/, () => '请使用同一列表上一页返回的 nextToken'],
  [
    /^This Idempotency-Key was already used with another body; use a new key for a new request$/,
    () => '此幂等键已用于另一请求体；新请求请使用新的幂等键',
  ],
  [
    /^A request with this Idempotency-Key is still being processed; retry in a moment$/,
    () => '使用此幂等键的请求仍在处理中；请稍后重试',
  ],
  [/^A valid bearer token is required$/, () => '需要有效的 Bearer 令牌'],
  [/^Your role may not call this route$/, () => '您的角色无权调用此接口'],
  [
    /^The role (\S+) may not call this route \(allowed: (.+)\)$/,
    (role, allowed) => `角色 ${role} 无权调用此接口（允许：${allowed}）`,
  ],
  [
    /^Your account is in none of the groups finance, department or evaluator$/,
    () => '您的账号不属于 finance、department 或 evaluator 任何一组',
  ],
  [
    /^A department account must carry its department id \(custom:departmentId\)$/,
    () => '部门账号须带有部门编号（custom:departmentId）',
  ],
  [
    /^An evaluator account must carry its agency id \(custom:agencyId\)$/,
    () => '评价机构账号须带有机构编号（custom:agencyId）',
  ],
  // projects
  [
    /^The project is (\S+); to (.+) it must be (.+)$/,
    (s, action, from) =>
      `项目当前状态为${status(s)}；${actions[action] ?? action}须在${statusList(from)}状态`,
  ],
  [/^Your department (\S+) is not registered with the bureau$/, (d) => `您的部门 ${d} 尚未在财政局登记`],
  [/^ask the bureau to register the department first$/, () => '请先请财政局登记本部门'],
  [
    /^The project has no goals yet: PUT \/v1\/projects\/\{id\}\/goals first$/,
    () => '项目尚无绩效目标：请先 PUT /v1/projects/{id}/goals',
  ],
  [/^This project has been assessed already$/, () => '该项目已完成事前绩效评估'],
  [
    /^This project does not need an ex-ante assessment \(not new, or below the threshold\)$/,
    () => '该项目无需事前绩效评估（非新增项目，或低于金额门槛）',
  ],
  [
    /^The goals are approved already; they change only through a budget adjustment$/,
    () => '绩效目标已批准；只能通过预算调整变更',
  ],
  [
    /^The goal set is not measurable; fix each indicator named$/,
    () => '绩效目标不可衡量；请逐一修改所列指标',
  ],
  [/^The assessment breaks a rule$/, () => '评估不符合业务规则'],
  [/^The budget breaks a rule$/, () => '预算不符合业务规则'],
  [/^The expenditure breaks a rule$/, () => '支出不符合业务规则'],
  [/^The decision breaks a rule$/, () => '决定不符合业务规则'],
  [/^The review breaks a rule$/, () => '复核不符合业务规则'],
  [/^The self-evaluation breaks a rule$/, () => '自评不符合业务规则'],
  [/^The rules are not consistent$/, () => '规则配置前后矛盾'],
  [/^Some named departments do not exist$/, () => '所列部门有的不存在'],
  [/^no department (\S+)$/, (d) => `部门 ${d} 不存在`],
  [/^must be above 0$/, () => '须大于 0'],
  [/^required before submitting$/, () => '提交前必填'],
  [/^required when the conclusion is supported_after_adjustment$/, () => '结论为“调整后支持”时必填'],
  [/^only with the conclusion supported_after_adjustment$/, () => '仅在结论为“调整后支持”时可填'],
  [
    /^A total of (\S+) suggests "(\S+)"; concluding "(\S+)" needs a written reason$/,
    (t, g, c) => `总分 ${t} 对应建议“${g}”；结论为“${c}”须说明理由`,
  ],
  [/^must be above 0 and at most the requested (\S+)$/, (a) => `须大于 0 且不超过申报金额 ${a}`],
  [/^must be above 0 and at most the recommended (\S+)$/, (a) => `须大于 0 且不超过建议金额 ${a}`],
  [/^must be above 0 and at most (.+), (\S+)$/, (what, a) => `须大于 0 且不超过${what} ${a}`],
  [/^cumulative shares never decrease$/, () => '累计比例不得下降'],
  [/^the December share is 1 \(the whole budget\)$/, () => '12 月的累计比例须为 1（全部预算）'],
  // spend
  [
    /^Voucher (\S+) is already recorded for this project with other facts \((\S+), (\S+)\)$/,
    (v, d, a) => `凭证 ${v} 已以不同内容记录于本项目（${d}，${a}）`,
  ],
  [/^must be in the fiscal year (\d+)$/, (y) => `须在预算年度 ${y} 内`],
  [/^must not be after today \(?(\S+?)\)?$/, (d) => `不得晚于今天（${d}）`],
  [
    /^would bring the spend to (\S+), above the budget of (\S+) \((\S+) left\)$/,
    (s, b, l) => `将使支出累计达到 ${s}，超过预算 ${b}（剩余 ${l}）`,
  ],
  [
    /^would lower the budget to (\S+), below what is already spent \((\S+)\)$/,
    (b, s) => `将使预算降至 ${b}，低于已支出的 ${s}`,
  ],
  [
    /^The self-evaluation of this project is in: spend can no longer be recorded$/,
    () => '该项目已提交自评：不能再记录支出',
  ],
  [/^Import (\S+) is already finished$/, (id) => `导入 ${id} 已完成`],
  // monitoring
  [/^The monitoring report is incomplete or inconsistent$/, () => '监控报告不完整或前后不一致'],
  [/^must be a month of the fiscal year (\d+)$/, (y) => `须为预算年度 ${y} 的月份`],
  [/^must not be after the current month \((\S+)\)$/, (m) => `不得晚于本月（${m}）`],
  [/^no indicator named "(.+)" in the project's goals$/, (n) => `项目绩效目标中没有名为“${n}”的指标`],
  [/^"(.+)" is reported twice$/, (n) => `“${n}”重复填报`],
  [/^required for a quantitative indicator$/, () => '定量指标必填'],
  [/^required for a qualitative indicator$/, () => '定性指标必填'],
  [
    /^say why the target may be missed and what is done about it$/,
    () => '请说明目标可能无法完成的原因及采取的措施',
  ],
  [/^the indicator "(.+)" is not reported$/, (n) => `指标“${n}”未填报`],
  [/^A sweep cannot look into the future$/, () => '监控扫描不能针对未来的日期'],
  [/^Reports cannot be sent for a day in the future$/, () => '不能为未来的日期发送报告'],
  [
    /^No monitoring sweep of (\d+) on or before (\S+): run POST \/v1\/monitoring\/sweeps .* first$/,
    (y, d) => `${y} 年度在 ${d} 及之前没有监控扫描：请先运行 POST /v1/monitoring/sweeps`,
  ],
  [
    /^The most recent sweep on or before (\S+) \((\S+)\) is still running: (\d+) of (\d+) departments done; try again when it is complete$/,
    (d, id, done, all) =>
      `${d} 及之前最近的监控扫描（${id}）仍在进行：已完成 ${done}/${all} 个部门；请在完成后重试`,
  ],
  [
    /^The notice is (\S+); only an open or overdue notice can be answered$/,
    (s) => `整改通知当前为${status(s)}；只有待整改或已逾期的通知可以反馈`,
  ],
  [
    /^The notice is (\S+); only a responded notice can be verified$/,
    (s) => `整改通知当前为${status(s)}；只有已反馈的通知可以核验`,
  ],
  [/^Rectification notice (\S+) was answered meanwhile$/, (id) => `整改通知 ${id} 已被同时反馈`],
  [/^The recommendation is (\S+) already$/, (s) => `该建议已为${status(s)}`],
  [/^only with the decision accept$/, () => '仅在决定为“采纳”时可填'],
  // evaluation
  [/^This file may not be uploaded here$/, () => '此文件不能上传到这里'],
  [/^must be one of (.+)$/, (list) => `须为以下之一：${list}`],
  [
    /^must be a whole number of bytes from 1 to (\d+) \((\S+) MiB\)$/,
    (b, m) => `须为 1 到 ${b} 之间的整数字节（${m} MiB）`,
  ],
  [/^The report cannot be accepted$/, () => '报告不能接收'],
  [/^The supervision date is outside the evaluation$/, () => '监督日期不在评价期间内'],
  [/^The rating is out of bounds$/, () => '考核分超出范围'],
  [/^The project or the agency does not exist$/, () => '项目或评价机构不存在'],
  [/^The report of evaluation (\S+) was approved already$/, (id) => `评价 ${id} 的报告已批准`],
  [
    /^Evaluation (\S+) is not the open evaluation of project (\S+)$/,
    (e, p) => `评价 ${e} 不是项目 ${p} 进行中的评价`,
  ],
  [/^"(.+)" is adjusted twice$/, (n) => `“${n}”重复调整`],
  [/^"(.+)" is answered twice$/, (n) => `“${n}”重复填报`],
  [
    /^"(.+)" is neither an indicator of the evaluation nor "execution"$/,
    (n) => `“${n}”既不是评价的指标，也不是“execution”`,
  ],
  [/^"(.+)" is not an indicator of the project(?:'s goals)?$/, (n) => `“${n}”不是本项目的指标`],
  [
    /^Evaluation (\S+) changed meanwhile; ask for the link again$/,
    (id) => `评价 ${id} 已同时变化；请重新申请链接`,
  ],
  [
    /^Document (\S+) changed meanwhile; check it and submit again$/,
    (id) => `文档 ${id} 已同时变化；请检查后重新提交`,
  ],
  [/^Project (\S+) vanished during the sweep$/, (id) => `项目 ${id} 在监控扫描期间消失`],
  [
    /^The configuration of (\d+) was changed meanwhile \(version (\d+) exists\); reload it$/,
    (y, v) => `${y} 年度的规则配置已同时修改（已有版本 ${v}）；请重新读取`,
  ],
  [
    /^Evaluation (\S+) is rated already \(one rating per evaluation\)$/,
    (id) => `评价 ${id} 已考核（每项评价只能考核一次）`,
  ],
  [/^Import (\S+) is no longer waiting to be processed$/, (id) => `导入 ${id} 已不在等待处理`],
  [/^Import (\S+) is gone$/, (id) => `导入 ${id} 已不存在`],
  [/^Voucher (\S+) was recorded meanwhile$/, (v) => `凭证 ${v} 已被同时记录`],
  [/^Voucher (\S+) is already recorded for this project$/, (v) => `凭证 ${v} 已记录于本项目`],
  [
    /^Rows from line (\d+) of import (\S+) were imported meanwhile$/,
    (l, id) => `导入 ${id} 自第 ${l} 行起的记录已被同时导入`,
  ],
  [/^claimed already$/, () => '已被认领'],
  [/^no longer ours$/, () => '已不归本次运行处理'],
  [/^taken over by another run$/, () => '已由另一次运行接手'],
  [/^The record of mail (\S+) vanished while claiming it$/, (k) => `认领邮件 ${k} 时其记录消失`],
  [/^The record of mail (\S+) is missing$/, (k) => `邮件 ${k} 的记录不存在`],
  [/^Department (\S+) was already counted in sweep (\S+)$/, (d, s) => `部门 ${d} 已计入监控扫描 ${s}`],
  [/^Sweep (\S+) does not exist$/, (s) => `监控扫描 ${s} 不存在`],
  [/^The adjustment exists already$/, () => '该调整已存在'],
  [
    /^Project (\S+) was never budgeted: it has nothing to give evidence for$/,
    (id) => `项目 ${id} 从未批复预算：没有需要提供证据的内容`,
  ],
  [
    /^"(.+)" has a target or weight too large to score exactly$/,
    (n) => `“${n}”的目标值或权重过大，无法精确计分`,
  ],
  [/^"(.+)" has no numeric target to score against$/, (n) => `“${n}”没有可用于计分的数值目标`],
  [/^"(.+)" is qualitative: claim a score$/, (n) => `“${n}”为定性指标：请填报得分`],
  [/^"(.+)" is qualitative: claim a tier$/, (n) => `“${n}”为定性指标：请填报等级`],
  [/^"(.+)" is qualitative: it has no actual value$/, (n) => `“${n}”为定性指标：没有实际值`],
  [/^"(.+)" is quantitative: give its actual value$/, (n) => `“${n}”为定量指标：请填报实际值`],
  [
    /^"(.+)" is quantitative: its score is computed from the actual value$/,
    (n) => `“${n}”为定量指标：得分由实际值计算`,
  ],
  [/^must be within \[0, (\S+)\] \(its weight\)$/, (w) => `须在 [0, ${w}] 之间（其权重）`],
  [/^too large to score exactly$/, () => '数值过大，无法精确计分'],
  [/^at most (\d+) documents in all$/, (n) => `总计最多 ${n} 个文件`],
  [/^at most two decimals \(yuan and fen\)$/, () => '最多两位小数（元、分）'],
  [/^0, or at least (\S+) in size$/, (t) => `须为 0，或绝对值不小于 ${t}`],
  // jobs
  [/^Department (\S+) of sweep (\S+) is not pending$/, (d, s) => `监控扫描 ${s} 的部门 ${d} 不在待完成之列`],
  [/^Report mails job (\S+) does not exist$/, (id) => `报告邮件任务 ${id} 不存在`],
  [
    /^Department (\S+) of sweep (\S+) is being swept by another message$/,
    (d, s) => `监控扫描 ${s} 的部门 ${d} 正由另一消息处理`,
  ],
  [
    /^Department (\S+) of sweep (\S+) is not claimed by this work$/,
    (d, s) => `监控扫描 ${s} 的部门 ${d} 不归本次处理`,
  ],
  // the indicator library
  [/^No such template$/, () => '无此指标模板'],
  [/^no template (\S+)$/, (id) => `指标模板 ${id} 不存在`],
  [/^No such project$/, () => '无此项目'],
  [/^no project (\S+)$/, (id) => `项目 ${id} 不存在`],
  [/^The project has no such indicator$/, () => '项目无此指标'],
  [/^project (\S+) has no indicator "(.*)"$/, (id, name) => `项目 ${id} 无指标“${name}”`],
  [
    /^The goals of project (\S+) are not approved: only an approved indicator can be taken into the library$/,
    (id) => `项目 ${id} 的绩效目标尚未批准：只有已批准的指标可纳入指标库`,
  ],
  [/^The template needs a category$/, () => '指标模板须有类别'],
  [/^required \(the project has none\)$/, () => '必填（该项目没有类别）'],
  [/^The indicator is not lint-clean$/, () => '指标未通过规范检查'],
  [/^give exactly one of `from` and `indicator`$/, () => '`from` 与 `indicator` 须给出且只给出其一'],
  [/^Template (\S+) has a version for (\d+) already$/, (id, y) => `指标模板 ${id} 已有 ${y} 年度的版本`],
  [/^The usage of template (\S+) could not be counted$/, (id) => `指标模板 ${id} 的使用情况未能计入`],
  [/^Document (\S+) was indexed or changed meanwhile$/, (id) => `文档 ${id} 已被同时编入索引或修改`],
];

const actions: Record<string, string> = {
  'edit the goals': '修改绩效目标',
  submit: '提交',
  'record an ex-ante assessment': '记录事前绩效评估',
  'reject after the assessment': '评估后否决',
  'review the goals': '审核绩效目标',
  'return the goals': '退回绩效目标',
  'reject the goals': '否决绩效目标',
  'enter the project library': '入库',
  'approve the budget': '批复预算',
  'record spend': '记录支出',
  'file a monitoring report': '填报监控报告',
};

/** The zh-CN of an English message the catalogue knows, else undefined. */
export function catalogueZh(en: string): string | undefined {
  for (const [pattern, zh] of rules) {
    const m = pattern.exec(en);
    if (m) return zh(...m.slice(1));
  }
  return undefined;
}

/** A message in the client's language (see the top of this file). */
export function inLocale(text: string, locale: Locale): string {
  const english = text.replace(CJK_PARENS, '').trim();
  // A message in Chinese already (zod's zh-CN, a catalogue of the domain's own) stays as it is.
  if (CJK.test(english)) return text;
  if (locale === 'en') return english || text;
  const known = catalogueZh(english);
  if (known) return known;
  const chinese = [...text.matchAll(CJK_PARENS)].map((m) => m[0].trim().replace(/^[（(]|[）)]$/g, ''));
  return chinese.length ? chinese.join('；') : text;
}
