import type * as z from 'zod';
import en from 'zod/v4/locales/en.js';
import zhCN from 'zod/v4/locales/zh-CN.js';
import { BadRequest, type FieldError, type Localized } from '../domain/errors.js';
import { MAX_GOAL_INDICATORS, TOO_MANY_INDICATORS } from '../domain/indicators.js';

export type Locale = 'zh-CN' | 'en';

/** zod's own messages in the client's language (only these two locales are loaded). */
const zodLocales: Record<Locale, ReturnType<typeof en>> = { 'zh-CN': zhCN(), en: en() };

/** The schemas' own messages (refinements), in both languages; any other passes as written. */
const customMessages: Record<string, Localized> = {
  'at most two decimals (yuan and fen)': {
    'zh-CN': '最多两位小数（元、分）',
    en: 'at most two decimals (yuan and fen)',
  },
  'at most two decimals': { 'zh-CN': '最多两位小数', en: 'at most two decimals' },
  '0, or at least 1e-9 in size': {
    'zh-CN': '须为 0，或绝对值不小于 1e-9',
    en: '0, or at least 1e-9 in size',
  },
  [TOO_MANY_INDICATORS]: {
    'zh-CN': `一套绩效目标最多 ${MAX_GOAL_INDICATORS} 个指标`,
    en: TOO_MANY_INDICATORS,
  },
  'YYYY-MM': { 'zh-CN': '格式须为 YYYY-MM', en: 'YYYY-MM' },
  'MM-DD': { 'zh-CN': '格式须为 MM-DD', en: 'MM-DD' },
};

const texts = {
  unknownField: { 'zh-CN': '未知字段', en: 'unknown field' },
  required: { 'zh-CN': '必填', en: 'required' },
  what: {
    path: { 'zh-CN': '路径参数', en: 'path' },
    'query string': { 'zh-CN': '查询参数', en: 'query string' },
    body: { 'zh-CN': '请求体', en: 'body' },
  } as Record<string, Localized>,
};

/** `indicators[3].unit` from zod's path ['indicators', 3, 'unit']. */
export function formatPath(prefix: string, path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)),
    prefix,
  );
}

export function fieldErrors(prefix: string, error: z.ZodError, locale: Locale = 'en'): FieldError[] {
  return error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((k) => ({
        path: formatPath(prefix, [...issue.path, k]),
        message: texts.unknownField[locale],
      }));
    }
    const missing =
      issue.code === 'invalid_type' &&
      ('input' in issue ? issue.input === undefined : /received undefined$/.test(issue.message));
    const message = missing
      ? `${texts.required[locale]} (${issue.expected})`
      : (customMessages[issue.message]?.[locale] ?? issue.message);
    return [{ path: formatPath(prefix, issue.path) || prefix, message }];
  });
}

/** Parses `input` with `schema`, or throws a 400 naming every failing field under `prefix` (in `locale`). */
export function parseOr400<S extends z.ZodType>(
  schema: S,
  input: unknown,
  prefix: string,
  what: string,
  locale: Locale = 'en',
): z.infer<S> {
  const result = schema.safeParse(input, { error: zodLocales[locale].localeError, reportInput: true });
  if (result.success) return result.data;
  const label = texts.what[what];
  const en = `The ${what} does not match the schema of this route`;
  throw new BadRequest(en, fieldErrors(prefix, result.error, locale), {
    'zh-CN': `${label?.['zh-CN'] ?? what}不符合此接口的格式要求`,
    en,
  });
}
