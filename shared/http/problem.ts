import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { AppError, type FieldError } from '../domain/errors.js';

export const PROBLEM_JSON = 'application/problem+json';

/** The problem+json body of an error: { type, title, status, detail, errors? }. */
export function problemBody(err: AppError, instance?: string, locale: Locale = 'zh-CN') {
  return {
    type: err.type,
    title: err.title,
    status: err.status,
    detail: err.detail,
    ...(err.errors?.length ? { errors: err.errors.map((e) => localize(e, locale)) } : {}),
    ...(instance ? { instance } : {}),
  };
}

export type Locale = 'zh-CN' | 'en';

/** zh-CN first; English when the client's Accept-Language prefers it. */
export function localeOf(acceptLanguage: string | undefined): Locale {
  return /^\s*en\b/i.test(acceptLanguage ?? '') ? 'en' : 'zh-CN';
}

/** A field error that carries messages in both languages speaks the client's. */
export function localize(e: FieldError, locale: Locale): FieldError {
  return e.messages ? { ...e, message: e.messages[locale] } : e;
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
        );
  return {
    statusCode: appError.status,
    headers: { 'content-type': PROBLEM_JSON, ...(requestId ? { 'x-request-id': requestId } : {}) },
    body: JSON.stringify(problemBody(appError, requestId ? `urn:request:${requestId}` : undefined, locale)),
  };
}
