import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { AppError } from '../domain/errors.js';

export const PROBLEM_JSON = 'application/problem+json';

/** The problem+json body of an error: { type, title, status, detail, errors? }. */
export function problemBody(err: AppError, instance?: string) {
  return {
    type: err.type,
    title: err.title,
    status: err.status,
    detail: err.detail,
    ...(err.errors?.length ? { errors: err.errors } : {}),
    ...(instance ? { instance } : {}),
  };
}

export function problemResponse(err: unknown, requestId?: string): APIGatewayProxyStructuredResultV2 {
  const appError =
    err instanceof AppError
      ? err
      : new AppError(500, 'Internal Server Error', 'Something went wrong on our side; the request id names it in our logs');
  return {
    statusCode: appError.status,
    headers: { 'content-type': PROBLEM_JSON, ...(requestId ? { 'x-request-id': requestId } : {}) },
    body: JSON.stringify(problemBody(appError, requestId ? `urn:request:${requestId}` : undefined)),
  };
}
