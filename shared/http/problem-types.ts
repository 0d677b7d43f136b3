import { type Localized, type ProblemKind, problemKinds } from '../domain/errors.js';

/**
 * What every problem+json answer shares and what the hot path needs (the kinds, their `type` URIs and titles,
 * the client's locale), without the message catalogue: shared/http/problem.ts builds the bodies with the
 * catalogue and is imported by the API stack only when an error is answered (an `await import()`, a chunk of
 * its own in the bundle), so a request that succeeds never loads it.
 */
export const PROBLEM_JSON = 'application/problem+json';

/**
 * Every kind of problem has a stable `type`: a URI reference relative to the API (`/problems/<kind>`,
 * RFC 9457 §3.1.1), so a portal can branch on it without reading the text. The list is fixed (add, never
 * rename); the OpenAPI document's Problem schema and the README list it with these descriptions.
 */
export const problemTypes: Record<ProblemKind, { status: number; title: Localized; meaning: string }> = {
  validation: {
    status: 400,
    title: { 'zh-CN': '请求格式错误', en: 'Bad Request' },
    meaning:
      'malformed JSON, or a path, query, header or body that breaks the schema (`errors` names each field)',
  },
  unauthorized: {
    status: 401,
    title: { 'zh-CN': '未认证', en: 'Unauthorized' },
    meaning: 'no bearer token, or one that is expired, badly signed, or for another issuer or audience',
  },
  forbidden: {
    status: 403,
    title: { 'zh-CN': '无权操作', en: 'Forbidden' },
    meaning: 'the role of the token may not call this route',
  },
  'not-found': {
    status: 404,
    title: { 'zh-CN': '未找到', en: 'Not Found' },
    meaning: 'no such thing, or it belongs to another department or agency',
  },
  'method-not-allowed': {
    status: 405,
    title: { 'zh-CN': '不支持该方法', en: 'Method Not Allowed' },
    meaning: 'the path exists, not with this method',
  },
  'payload-too-large': {
    status: 413,
    title: { 'zh-CN': '请求体过大', en: 'Payload Too Large' },
    meaning: 'the body is over 256 KiB',
  },
  'unsupported-media-type': {
    status: 415,
    title: { 'zh-CN': '不支持的媒体类型', en: 'Unsupported Media Type' },
    meaning: 'the body is not application/json',
  },
  'headers-too-large': {
    status: 431,
    title: { 'zh-CN': '请求头过大', en: 'Request Header Fields Too Large' },
    meaning:
      'the request line and headers are over 10,240 bytes together (API Gateway’s limit, kept by the local gateway too)',
  },
  'state-conflict': {
    status: 409,
    title: { 'zh-CN': '当前状态不允许该操作', en: 'Conflict: the state does not allow it' },
    meaning: 'the resource is in a state that does not allow this action (`detail` says which)',
  },
  duplicate: {
    status: 409,
    title: { 'zh-CN': '重复', en: 'Conflict: a duplicate' },
    meaning: 'the id or number is taken (a voucher recorded with other facts, an existing department…)',
  },
  'idempotency-conflict': {
    status: 409,
    title: { 'zh-CN': '幂等键已用于其他请求', en: 'Conflict: Idempotency-Key used with another body' },
    meaning: 'this Idempotency-Key was used for this path with another body: use a new key',
  },
  'idempotency-in-progress': {
    status: 409,
    title: {
      'zh-CN': '相同幂等键的请求正在处理',
      en: 'Conflict: a request with this Idempotency-Key is running',
    },
    meaning: 'the first request with this key is still running: retry in a moment',
  },
  'concurrent-change': {
    status: 409,
    title: { 'zh-CN': '资源已被同时修改', en: 'Conflict: changed at the same moment' },
    meaning: 'another change to the same resource won the race: reload and try again',
  },
  'version-mismatch': {
    status: 412,
    title: { 'zh-CN': '版本不一致', en: 'Precondition Failed' },
    meaning: '`If-Match` names another version than the current one',
  },
  'rule-violation': {
    status: 422,
    title: { 'zh-CN': '违反业务规则', en: 'Unprocessable Content' },
    meaning: 'well-formed, but breaks a rule of the domain (`errors` names each failing field)',
  },
  internal: {
    status: 500,
    title: { 'zh-CN': '服务器内部错误', en: 'Internal Server Error' },
    meaning: 'a fault on our side; `instance` names the request in our logs',
  },
};

/** The `type` URI of a kind of problem. */
export const problemType = (kind: ProblemKind) => `/problems/${kind}`;

/** The list for documentation: `type` — status — what it means. */
export const problemTypeList = () =>
  problemKinds.map((k) => `\`${problemType(k)}\` (${problemTypes[k].status}): ${problemTypes[k].meaning}`);

export type Locale = 'zh-CN' | 'en';

/**
 * zh-CN first; English when the client's Accept-Language prefers it: the first language range with the
 * highest q (ties: the first) decides.
 */
export function localeOf(acceptLanguage: string | undefined): Locale {
  let best: { tag: string; q: number } | undefined;
  for (const part of (acceptLanguage ?? '').slice(0, 512).split(',')) {
    const [range = '', ...params] = part.trim().split(';');
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!range || !Number.isFinite(q) || q <= 0) continue;
    if (!best || q > best.q) best = { tag: range.trim().toLowerCase(), q };
  }
  return best && /^en(-|$)/.test(best.tag) ? 'en' : 'zh-CN';
}
