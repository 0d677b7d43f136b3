import { randomUUID } from 'node:crypto';
import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
  STATUS_CODES,
} from 'node:http';
import type { Duplex } from 'node:stream';
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { ProblemKind } from '../../shared/domain/errors.js';
import type { ApiEvent } from '../../shared/http/api-handler.js';
import { type Locale, localeOf, PROBLEM_JSON, problemType, problemTypes } from '../../shared/http/problem.js';
import type { RouteDef } from '../../shared/http/route.js';
import { listen } from './ports.js';

/**
 * The local stand-in for API Gateway (HTTP API, payload format 2.0): matches the declared routes, builds
 * the very event API Gateway would send, and calls the same handler export that Lambda calls. Like the
 * API in AWS it has no authorizer: the handler verifies the bearer JWT itself (shared/http/auth.ts), so
 * every 401 is the handler's problem+json in both places. API Gateway's own 10 MiB cap is kept here; the
 * contract's 256 KiB limit is the handler's, so that it answers in the contract's order of precedence.
 * API Gateway's limit on the request line and headers together (10,240 bytes, "Total combined size of request
 * line and header values" in the HTTP API quotas) is kept too, as the server's maxHeaderSize (Node counts the
 * URL and every header name and value), and what Node's HTTP parser refuses before any route is known (too
 * many header bytes, a malformed request line or header) is answered as problem+json too (clientError).
 */
type Handler = (event: ApiEvent, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

export interface GatewayRoute {
  route: RouteDef;
  handler: Handler;
}

const GATEWAY_MAX_BYTES = 10 * 1024 * 1024;
/** API Gateway's (HTTP API) quota on the request line and header values together, in bytes. */
export const GATEWAY_MAX_HEADER_BYTES = 10_240;

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

/** The gateway's own answers (no route, a malformed path, a body over 10 MiB), as the handlers' problems. */
function problem(res: ServerResponse, kind: ProblemKind, status: number, detail: string, locale: Locale) {
  res.writeHead(status, { 'content-type': PROBLEM_JSON });
  res.end(JSON.stringify(problemJson(kind, status, detail, locale)));
}

/**
 * What Node's HTTP parser refused (the request never reached `serve`), answered on the socket as a problem:
 * 431 for too many header bytes, 408 for a request that did not arrive in time, else 400 (a malformed request
 * line or header). The language from the raw bytes' Accept-Language, where the parser kept them.
 */
function clientError(err: Error & { code?: string; rawPacket?: Buffer }, socket: Duplex) {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const raw = err.rawPacket?.toString('latin1') ?? '';
  const locale = localeOf(/\r\naccept-language:[ \t]*([^\r\n]*)/i.exec(raw)?.[1]);
  const en = locale === 'en';
  let status: number;
  let body: Record<string, unknown>;
  if (err.code === 'HPE_HEADER_OVERFLOW') {
    status = 431;
    const detail = en
      ? `The request line and headers are over ${GATEWAY_MAX_HEADER_BYTES} bytes`
      : `请求行与请求头合计超过 ${GATEWAY_MAX_HEADER_BYTES} 字节`;
    body = problemJson('headers-too-large', status, detail, locale);
  } else if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT' || err.code === 'HPE_HEADERS_TIMEOUT') {
    status = 408;
    const detail = en ? 'The request did not arrive in time' : '请求未在规定时间内到达';
    body = { type: 'about:blank', title: STATUS_CODES[408], status, detail };
  } else {
    status = 400;
    const detail = en ? 'The request line or a header is malformed' : '请求行或请求头格式错误';
    body = problemJson('validation', status, detail, locale);
  }
  const text = JSON.stringify(body);
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: ${PROBLEM_JSON}\r\n` +
      `content-length: ${Buffer.byteLength(text)}\r\nconnection: close\r\n\r\n${text}`,
  );
}

const problemJson = (kind: ProblemKind, status: number, detail: string, locale: Locale) => ({
  type: problemType(kind),
  title: problemTypes[kind].title[locale],
  status,
  detail,
});

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
  host: string;
  port: number;
  onRequest?: (line: { method: string; path: string; status: number; ms: number }) => void;
}

export function startGateway(opts: GatewayOptions): Promise<Server> {
  const routes = opts.routes.map(compile).sort((a, b) => b.staticSegments - a.staticSegments);

  async function serve(req: IncomingMessage, res: ServerResponse) {
    const locale = localeOf(req.headers['accept-language']);
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = (req.method ?? 'GET').toUpperCase();
    const candidates = routes.filter((r) => r.regex.test(url.pathname));
    const match = candidates.find((r) => r.route.method === method);
    if (!match) {
      if (candidates.length) {
        const detail =
          locale === 'en'
            ? `${method} is not allowed on ${url.pathname}`
            : `${url.pathname} 不支持 ${method}`;
        return problem(res, 'method-not-allowed', 405, detail, locale);
      }
      const detail =
        locale === 'en' ? `No route ${method} ${url.pathname}` : `没有接口 ${method} ${url.pathname}`;
      return problem(res, 'not-found', 404, detail, locale);
    }

    const body = await readBody(req);
    if (body === 'too-large') {
      const detail = locale === 'en' ? 'The request body is over 10 MiB' : '请求体超过 10 MiB';
      return problem(res, 'payload-too-large', 413, detail, locale);
    }
    const m = match.regex.exec(url.pathname)!;
    // Parameters are handed over as API Gateway does: still percent-encoded where they hold an escape (the
    // handler decodes them, and answers a malformed escape with 400). A malformed escape anywhere in the
    // path is a 400 here too, before any handler runs, as API Gateway refuses such a path.
    try {
      decodeURIComponent(url.pathname);
    } catch {
      const detail =
        locale === 'en' ? 'The path has a malformed percent escape' : '路径中的百分号转义格式错误';
      return problem(res, 'validation', 400, detail, locale);
    }
    const pathParameters: Record<string, string> = Object.create(null);
    match.names.forEach((n, i) => {
      pathParameters[n] = m[i + 1]!;
    });
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers))
      if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(',') : v;
    const query: Record<string, string> = Object.create(null);
    for (const [k, v] of url.searchParams) query[k] = Object.hasOwn(query, k) ? `${query[k]},${v}` : v;
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

  const server = createServer({ maxHeaderSize: GATEWAY_MAX_HEADER_BYTES }, (req, res) => {
    const started = Date.now();
    serve(req, res)
      .catch((err) => {
        console.error('gateway error', err);
        if (!res.headersSent) problem(res, 'internal', 500, 'The local gateway failed', 'en');
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
  server.on('clientError', clientError);
  return listen(server, opts.host, opts.port, 'API');
}
