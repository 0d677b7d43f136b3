import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { AppError, type FieldError } from '../domain/errors.js';
import { inLocale } from './messages.js';
import { type Locale, PROBLEM_JSON, problemType, problemTypes } from './problem-types.js';

export {
  type Locale,
  localeOf,
  PROBLEM_JSON,
  problemType,
  problemTypeList,
  problemTypes,
} from './problem-types.js';

/** The problem+json body of an error: { type, title, status, detail, errors?, instance? }. */
export function problemBody(err: AppError, instance?: string, locale: Locale = 'zh-CN') {
  return {
    type: problemType(err.kind),
    title: problemTypes[err.kind]?.title[locale] ?? err.title,
    status: err.status,
    detail: err.details?.[locale] ?? inLocale(err.detail, locale),
    ...(err.errors?.length ? { errors: err.errors.map((e) => localize(e, locale)) } : {}),
    ...(instance ? { instance } : {}),
  };
}

/** A field error that carries messages in both languages speaks the client's. */
export function localize(e: FieldError, locale: Locale): FieldError {
  return { ...e, message: e.messages ? e.messages[locale] : inLocale(e.message, locale) };
}

export function problemResponse(
  err: unknown,
  requestId?: string,
  locale?: Locale,
): APIGatewayProxyStructuredResultV2 {
  const appError =
    err instanceof AppError
      ? err
      : new AppError(
          500,
          'Internal Server Error',
          'Something went wrong on our side; the request id names it in our logs',
          undefined,
          'internal',
          {
            'zh-CN': '服务器内部出错；请求编号可用于在日志中查找',
            en: 'Something went wrong on our side; the request id names it in our logs',
          },
        );
  const challenge: Record<string, string> = appError.status === 401 ? { 'www-authenticate': 'Bearer' } : {};
  return {
    statusCode: appError.status,
    headers: {
      'content-type': PROBLEM_JSON,
      ...challenge,
      ...(requestId ? { 'x-request-id': requestId } : {}),
    },
    body: JSON.stringify(problemBody(appError, requestId ? `urn:request:${requestId}` : undefined, locale)),
  };
}
