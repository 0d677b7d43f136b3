import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { type Deps, defaultDeps } from '../deps.js';
import type { Actor } from '../domain/actor.js';
import { AppError, BadRequest, NotFound, PayloadTooLarge, UnsupportedMediaType } from '../domain/errors.js';
import { logger } from '../logger.js';
import { tracer } from '../tracer.js';
import {
  actorFromClaims,
  assertRole,
  type Claims,
  type TokenVerifier,
  verifiedClaims,
  verifierFromEnv,
} from './auth.js';
import { IdempotencyGuard, idempotencyKeyPattern, type Replay } from './idempotency.js';
import { localeOf } from './problem-types.js';
import { Reply, type RouteDef, routeKey } from './route.js';
import { parseOr400 } from './validation.js';

/**
 * The one middy stack every API route runs through. Checks happen in the contract's order of precedence:
 * 401 (the bearer JWT, verified by the first middleware, before anything of the request is read) → 400
 * (malformed path escapes, JSON, schema of path, query and body, headers) → 403 (role) → 413/415 (body size
 * and type, which need no reading of the state) → the handler (404, 409, 412, 422 in that order). In AWS
 * and locally alike the token is verified here (aws-jwt-verify), so every 401 is problem+json.
 */
/** An API Gateway v2 event: no authorizer in front (the stack verifies the token itself). */
export type ApiEvent = APIGatewayProxyEventV2;
export type ApiResult = APIGatewayProxyStructuredResultV2;

export const MAX_BODY_BYTES = 256 * 1024;

interface ParsedBody {
  value: unknown;
  /** A 413/415 found while reading the body, raised after the role check. */
  deferred?: AppError;
}

function readBody(event: ApiEvent, route: RouteDef): ParsedBody {
  const raw = event.body
    ? event.isBase64Encoded
      ? Buffer.from(event.body, 'base64').toString('utf8')
      : event.body
    : '';
  if (!raw.trim()) return { value: route.body ? {} : undefined };
  if (Buffer.byteLength(raw) > MAX_BODY_BYTES)
    return { value: undefined, deferred: new PayloadTooLarge(MAX_BODY_BYTES) };
  const contentType = (event.headers['content-type'] ?? '').toLowerCase();
  if (!/^application\/([a-z.+-]*\+)?json\s*(;|$)/.test(contentType)) {
    return { value: undefined, deferred: new UnsupportedMediaType() };
  }
  try {
    return { value: JSON.parse(raw) };
  } catch (err) {
    throw new BadRequest(`The body is not valid JSON: ${(err as Error).message}`, [
      { path: 'body', message: 'malformed JSON' },
    ]);
  }
}

function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '*') return undefined;
  const m = /^\s*(?:W\/)?"?(\d{1,15})"?\s*$/.exec(header);
  if (!m)
    throw new BadRequest('If-Match must name a version, e.g. If-Match: "3"', [
      { path: 'If-Match', message: 'expected a version number' },
    ]);
  return Number(m[1]);
}

function toResult(route: RouteDef, out: unknown): Replay {
  const reply = out instanceof Reply ? out : new Reply(route.status ?? 200, out);
  const headers: Record<string, string> = { ...reply.headers };
  if (typeof reply.body === 'string' && headers['content-type']) {
    return { statusCode: reply.status, headers, body: reply.body };
  }
  const version = (reply.body as { version?: unknown } | undefined)?.version;
  if (typeof version === 'number') headers.etag = `"${version}"`;
  headers['content-type'] = 'application/json; charset=utf-8';
  return { statusCode: reply.status, headers, body: JSON.stringify(reply.body) };
}

/** A path parameter as the route's code sees it: decoded once; a malformed `%` escape is a 400. */
function decodedParams(event: ApiEvent): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, raw] of Object.entries(event.pathParameters ?? {})) {
    if (raw === undefined) continue;
    // API Gateway hands path parameters over still percent-encoded when they hold an escape.
    try {
      out[name] = /%/.test(raw) ? decodeURIComponent(raw) : raw;
    } catch {
      throw new BadRequest(
        `The path has a malformed percent escape in ${name}`,
        [
          {
            path: name,
            message: 'malformed % escape',
            messages: { 'zh-CN': '百分号转义格式错误', en: 'malformed % escape' },
          },
        ],
        {
          'zh-CN': `路径参数 ${name} 中的百分号转义格式错误`,
          en: `The path has a malformed percent escape in ${name}`,
        },
      );
    }
  }
  return out;
}

/** The concrete path a request named (the template with its decoded parameters): the idempotency scope. */
function concretePath(route: RouteDef, params: Record<string, string>): string {
  return route.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params[name] ?? ''));
}

function idempotencyKeyOf(headers: ApiEvent['headers']): string | undefined {
  const key = headers['idempotency-key'];
  if (key === undefined) return undefined;
  if (!idempotencyKeyPattern.test(key)) {
    const en = 'Idempotency-Key must be 1–128 characters of A–Z, a–z, 0–9 and . _ : ~ - (a UUID fits)';
    throw new BadRequest(
      en,
      [
        {
          path: 'Idempotency-Key',
          message: en,
          messages: { 'zh-CN': '须为 1–128 个字符：A–Z、a–z、0–9 及 . _ : ~ -（UUID 即可）', en },
        },
      ],
      { 'zh-CN': 'Idempotency-Key 须为 1–128 个字符：A–Z、a–z、0–9 及 . _ : ~ -（UUID 即可）', en },
    );
  }
  return key;
}

export interface ApiHandlerOptions {
  /** Verifies bearer tokens; default: aws-jwt-verify configured by JWT_ISSUER / JWT_AUDIENCE. */
  verifier?: () => TokenVerifier;
}

/** Verified claims of a request, kept beside (not inside) the event a client could shape. */
const claimsOf = new WeakMap<ApiEvent, Claims>();

export function createApiHandler(
  routes: RouteDef[],
  getDeps: () => Deps = defaultDeps,
  options: ApiHandlerOptions = {},
) {
  const byKey = new Map(routes.map((r) => [routeKey(r), r]));
  const verifier = options.verifier ?? (() => verifierFromEnv());

  async function handle(event: ApiEvent): Promise<ApiResult> {
    const route = byKey.get(event.routeKey);
    if (!route) throw new NotFound(`The route ${event.routeKey}`);
    const requestId = event.requestContext.requestId;
    const locale = localeOf(event.headers['accept-language']);
    const body = readBody(event, route);
    const params = route.params ? parseOr400(route.params, decodedParams(event), '', 'path', locale) : {};
    const query = route.query
      ? parseOr400(route.query, event.queryStringParameters ?? {}, '', 'query string', locale)
      : {};
    const value =
      route.body && body.value !== undefined
        ? parseOr400(route.body, body.value, '', 'body', locale)
        : undefined;
    const ifMatch = parseIfMatch(event.headers['if-match']);
    const idempotencyKey = route.method === 'POST' ? idempotencyKeyOf(event.headers) : undefined;

    let actor: Actor = { sub: 'anonymous', role: 'finance' };
    if (route.roles !== 'public') {
      actor = actorFromClaims(claimsOf.get(event));
      assertRole(actor, route.roles);
    }
    if (body.deferred) throw body.deferred;

    const deps = getDeps();
    const now = deps.now();
    const guard =
      idempotencyKey && route.roles !== 'public'
        ? new IdempotencyGuard(
            deps.db,
            {
              sub: actor.sub,
              method: route.method,
              path: concretePath(route, params as Record<string, string>),
              key: idempotencyKey,
            },
            body.value,
            now,
          )
        : undefined;
    const replay = await guard?.begin();
    if (replay) return replay;
    try {
      const out = await route.handle({
        actor,
        params,
        query,
        body: value,
        headers: event.headers,
        ifMatch,
        requestId,
        now,
        deps,
      });
      const result = toResult(route, out);
      await guard?.complete(result);
      return result;
    } catch (err) {
      await guard?.abandon();
      throw err;
    }
  }

  // Business metrics stored during the request are published when it ends, whatever its outcome.
  const flushMetrics = () => getDeps().metrics.flush();
  return (
    middy<ApiEvent, ApiResult, Error, Context>()
      // Cold start, function name and Lambda request id in every log line; a trace segment per request.
      .use(injectLambdaContext(logger, { resetKeys: true }))
      .use(captureLambdaHandler(tracer))
      .use({ after: flushMetrics, onError: flushMetrics })
      .use({
        // First of the checks, as API Gateway's authorizer was: the bearer JWT of a non-public route (401 first).
        before: async (request) => {
          const route = byKey.get(request.event.routeKey);
          if (!route || route.roles === 'public') return;
          claimsOf.set(request.event, await verifiedClaims(verifier(), request.event.headers?.authorization));
        },
      })
      .use({
        // Structured logs with a correlation id; never bodies, tokens or personal data.
        before: (request) => {
          logger.appendKeys({
            requestId: request.event.requestContext.requestId,
            route: request.event.routeKey,
          });
        },
        after: (request) => {
          logger.info('request', { status: request.response?.statusCode });
          logger.resetKeys();
        },
      })
      .use({
        // The one error handler: typed errors → problem+json; anything else → 500, logged. The problem bodies
        // and their message catalogue are loaded by the first error a process answers, not at its start.
        onError: async (request) => {
          const err = request.error;
          if (!(err instanceof AppError)) logger.error('unhandled error', err as Error);
          const { problemResponse } = await import('./problem.js');
          request.response = problemResponse(
            err,
            request.event.requestContext.requestId,
            localeOf(request.event.headers?.['accept-language']),
          );
          logger.info('request', { status: request.response.statusCode });
          logger.resetKeys();
        },
      })
      .handler(handle)
  );
}
