import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { createRemoteJWKSet, errors as joseErrors, jwtVerify } from 'jose';
import type { ApiEvent } from '../../shared/http/api-handler.js';
import { PROBLEM_JSON } from '../../shared/http/problem.js';
import type { RouteDef } from '../../shared/http/route.js';
import { listen } from './ports.js';

/**
 * The local stand-in for API Gateway (HTTP API, payload format 2.0): matches the declared routes, verifies
 * the bearer JWT the way the JWT authorizer does (signature against the issuer's JWKS, issuer, audience,
 * expiry) before anything else, builds the very event API Gateway would send, and calls the same handler
 * export that Lambda calls. API Gateway's own 10 MiB cap is kept here; the contract's 256 KiB limit is the
 * handler's, so that it answers in the contract's order of precedence.
 */
type Handler = (event: ApiEvent, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

export interface GatewayRoute {
  route: RouteDef;
  handler: Handler;
}

const GATEWAY_MAX_BYTES = 10 * 1024 * 1024;

interface CompiledRoute extends GatewayRoute {
  regex: RegExp;
  names: string[];
  staticSegments: number;
}

function compile(r: GatewayRoute): CompiledRoute {
  const names: string[] = [];
  const segments = r.route.path.split('/');
  const source = segments
    .map((s) => {
      const param = /^\{(\w+)\}$/.exec(s);
      if (!param) return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(param[1]!);
      return '([^/]+)';
    })
    .join('/');
  return {
    ...r,
    regex: new RegExp(`^${source}$`),
    names,
    staticSegments: segments.filter((s) => !s.startsWith('{')).length,
  };
}

function problem(
  res: ServerResponse,
  status: number,
  title: string,
  detail: string,
  extra: Record<string, string> = {},
) {
  res.writeHead(status, { 'content-type': PROBLEM_JSON, ...extra });
  res.end(JSON.stringify({ type: 'about:blank', title, status, detail }));
}

/** API Gateway hands claims over as strings; arrays become "[a b]". */
function flattenClaims(payload: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(payload).map(([k, v]) => [
      k,
      Array.isArray(v) ? `[${v.join(' ')}]` : typeof v === 'object' ? JSON.stringify(v) : String(v),
    ]),
  );
}

async function readBody(req: IncomingMessage): Promise<Buffer | 'too-large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > GATEWAY_MAX_BYTES) return 'too-large';
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export interface GatewayOptions {
  routes: GatewayRoute[];
  issuer: string;
  audience: string;
  host: string;
  port: number;
  onRequest?: (line: { method: string; path: string; status: number; ms: number }) => void;
}

export function startGateway(opts: GatewayOptions): Promise<Server> {
  const routes = opts.routes.map(compile).sort((a, b) => b.staticSegments - a.staticSegments);
  const jwks = createRemoteJWKSet(new URL(`${opts.issuer}/.well-known/jwks.json`));

  async function serve(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = (req.method ?? 'GET').toUpperCase();
    const candidates = routes.filter((r) => r.regex.test(url.pathname));
    const match = candidates.find((r) => r.route.method === method);
    if (!match) {
      if (candidates.length)
        return problem(res, 405, 'Method Not Allowed', `${method} is not allowed on ${url.pathname}`);
      return problem(res, 404, 'Not Found', `No route ${method} ${url.pathname}`);
    }

    let claims: Record<string, string> | undefined;
    if (match.route.roles !== 'public') {
      const auth = req.headers.authorization ?? '';
      const token = /^Bearer\s+(.+)$/i.exec(auth)?.[1];
      const challenge = { 'www-authenticate': 'Bearer' };
      if (!token)
        return problem(
          res,
          401,
          'Unauthorized',
          'A bearer token is required (Authorization: Bearer …)',
          challenge,
        );
      try {
        const { payload } = await jwtVerify(token, jwks, { issuer: opts.issuer, audience: opts.audience });
        claims = flattenClaims(payload);
      } catch (err) {
        const detail =
          err instanceof joseErrors.JWTExpired
            ? 'The token has expired'
            : err instanceof joseErrors.JWTClaimValidationFailed
              ? `The token's ${err.claim} claim is not accepted`
              : 'The token is not valid (signature or format)';
        return problem(res, 401, 'Unauthorized', detail, challenge);
      }
    }

    const body = await readBody(req);
    if (body === 'too-large')
      return problem(res, 413, 'Payload Too Large', 'The request body is over 10 MiB');
    const m = match.regex.exec(url.pathname)!;
    const pathParameters = Object.fromEntries(match.names.map((n, i) => [n, decodeURIComponent(m[i + 1]!)]));
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers))
      if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(',') : v;
    const query: Record<string, string> = {};
    for (const [k, v] of url.searchParams) query[k] = k in query ? `${query[k]},${v}` : v;
    const routeKey = `${match.route.method} ${match.route.path}`;
    const now = new Date();
    const event = {
      version: '2.0',
      routeKey,
      rawPath: url.pathname,
      rawQueryString: url.search.slice(1),
      headers,
      queryStringParameters: Object.keys(query).length ? query : undefined,
      pathParameters: match.names.length ? pathParameters : undefined,
      requestContext: {
        accountId: '000000000000',
        apiId: 'local',
        domainName: headers.host ?? 'localhost',
        domainPrefix: 'local',
        http: {
          method,
          path: url.pathname,
          protocol: 'HTTP/1.1',
          sourceIp: req.socket.remoteAddress ?? '',
          userAgent: headers['user-agent'] ?? '',
        },
        requestId: randomUUID(),
        routeKey,
        stage: '$default',
        time: now.toISOString(),
        timeEpoch: now.getTime(),
        authorizer: claims
          ? { jwt: { claims, scopes: [] }, principalId: '', integrationLatency: 0 }
          : undefined,
      },
      body: body.length ? body.toString('base64') : undefined,
      isBase64Encoded: body.length > 0,
    } as unknown as ApiEvent;
    const context = {
      awsRequestId: event.requestContext.requestId,
      functionName: `local-${match.route.area}`,
    } as Context;
    const result = await match.handler(event, context);
    res.writeHead(result.statusCode ?? 200, {
      ...(result.headers as Record<string, string>),
      'x-request-id': event.requestContext.requestId,
    });
    res.end(result.isBase64Encoded && result.body ? Buffer.from(result.body, 'base64') : (result.body ?? ''));
  }

  const server = createServer((req, res) => {
    const started = Date.now();
    serve(req, res)
      .catch((err) => {
        console.error('gateway error', err);
        if (!res.headersSent) problem(res, 500, 'Internal Server Error', 'The local gateway failed');
      })
      .finally(() =>
        opts.onRequest?.({
          method: req.method ?? '',
          path: req.url ?? '',
          status: res.statusCode,
          ms: Date.now() - started,
        }),
      );
  });
  return listen(server, opts.host, opts.port, 'API');
}
