// Helpers of the e2e tier: HTTP calls to the running system, tokens of its identity provider, unique ids.
import { randomBytes } from 'node:crypto';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { expect, inject } from 'vitest';
import { loadOrCreateKeys, signToken, type TokenRequest } from '../../infra/local/idp.js';

export const runtime = () => inject('runtime');
export const dataDir = () => inject('dataDir');

export interface ApiOptions {
  method?: string;
  /** A bearer token; none when omitted. */
  token?: string;
  /** Sent as JSON with content-type application/json. */
  body?: unknown;
  /** Sent as is (no content-type unless `headers` names one). */
  rawBody?: string;
  headers?: Record<string, string>;
  /**
   * The Accept-Language sent unless `headers` names one. The tier speaks as an English-speaking client
   * (its assertions read English messages); `null` sends none, for the system's default (zh-CN).
   */
  language?: string | null;
}

// biome-ignore lint/suspicious/noExplicitAny: bodies are whatever the API answered; the assertions check them
export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  /** The parsed body when it is JSON (application/json or application/problem+json), else undefined. */
  json: T;
  text: string;
}

/** Calls the API (`path` is relative to its base URL, or a full URL of another local server). */
// biome-ignore lint/suspicious/noExplicitAny: as above
export async function api<T = any>(path: string, opts: ApiOptions = {}): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = {};
  let body: string | undefined;
  if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  if (opts.rawBody !== undefined) body = opts.rawBody;
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  const language = opts.language === undefined ? 'en' : opts.language;
  if (language !== null) headers['accept-language'] = language;
  Object.assign(headers, opts.headers);
  const url = /^https?:\/\//.test(path) ? path : `${runtime().api}${path}`;
  const res = await fetch(url, {
    method: opts.method ?? (body === undefined ? 'GET' : 'POST'),
    headers,
    body,
  });
  const text = await res.text();
  const isJson = /^application\/([a-z.+-]*\+)?json/i.test(res.headers.get('content-type') ?? '');
  const reply: ApiResponse<T> = {
    status: res.status,
    headers: res.headers,
    json: isJson && text ? JSON.parse(text) : undefined,
    text,
  };
  if (url.startsWith(`${runtime().api}/`)) {
    await checkReply(opts.method ?? (body === undefined ? 'GET' : 'POST'), new URL(url).pathname, reply);
  }
  return reply;
}

/** Throws unless the reply is what /openapi.json documents for the method and path (api() calls it). */
export async function checkReply(method: string, pathname: string, reply: ApiResponse): Promise<void> {
  (await contract()).check(method, pathname, reply);
}

// --- The contract: every reply of the API is checked against /openapi.json ----------------------------

type Json = Record<string, unknown>;
interface Operation {
  responses: Record<string, { content?: Record<string, { schema?: Json }> }>;
}
interface Contract {
  check(method: string, pathname: string, reply: ApiResponse): void;
}

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
let contractOnce: Promise<Contract> | undefined;

/** JSON Pointer escaping of one reference token. */
const pointer = (token: string) => token.replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * The served OpenAPI document, fetched once per file: for a reply, the operation its method and path
 * name, the documented status and content type, and the response schema (ajv, JSON Schema 2020-12).
 */
function contract(): Promise<Contract> {
  contractOnce ??= (async () => {
    const res = await fetch(`${runtime().api}/openapi.json`);
    if (res.status !== 200) throw new Error(`GET /openapi.json: ${res.status}`);
    const doc = (await res.json()) as { paths: Record<string, Record<string, Operation>> };
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats(ajv);
    ajv.addSchema(doc, 'https://api.test/openapi.json');
    const templates = Object.keys(doc.paths).map((template) => ({
      template,
      regex: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
      literals: template.split('/').filter((s) => s && !s.startsWith('{')).length,
    }));
    const compiled = new Map<string, ValidateFunction>();
    const validator = (ref: string) => {
      let v = compiled.get(ref);
      if (!v) {
        v = ajv.compile({ $ref: ref });
        compiled.set(ref, v);
      }
      return v;
    };
    const fail = (what: string, reply: ApiResponse, why: string): never => {
      throw new Error(`${what} → ${reply.status}: ${why}\n${reply.text.slice(0, 2000)}`);
    };
    return {
      check(method, pathname, reply) {
        const what = `${method} ${pathname}`;
        const contentType = (reply.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
        const match = templates
          .filter((t) => t.regex.test(pathname))
          .sort((a, b) => b.literals - a.literals)[0];
        const op = match && doc.paths[match.template]![method.toLowerCase()];
        if (!match || !op) {
          // No such route: the gateway's own answer, a problem of its kind.
          if (reply.status < 400) fail(what, reply, 'a success from a route the document does not name');
          if (contentType !== 'application/problem+json') fail(what, reply, `content type ${contentType}`);
          const v = validator('https://api.test/openapi.json#/components/schemas/Problem');
          if (!v(reply.json)) fail(what, reply, `not a Problem: ${ajv.errorsText(v.errors)}`);
          return;
        }
        const response = op.responses[String(reply.status)];
        if (!response) {
          fail(
            what,
            reply,
            `status ${reply.status} is not documented for ${method} ${match.template} (documented: ${Object.keys(op.responses).join(', ')})`,
          );
        }
        const content = response!.content;
        if (!content) {
          if (reply.text) fail(what, reply, 'a body where the document declares none');
          return;
        }
        if (!Object.hasOwn(content, contentType)) {
          fail(
            what,
            reply,
            `content type "${contentType}" is not documented (${Object.keys(content).join(', ')})`,
          );
        }
        if (!content[contentType]!.schema) return;
        const ref = `https://api.test/openapi.json#/paths/${pointer(match.template)}/${method.toLowerCase()}/responses/${reply.status}/content/${pointer(contentType)}/schema`;
        const v = validator(ref);
        if (!v(reply.json)) {
          fail(
            what,
            reply,
            `the reply does not match ${match.template} ${reply.status}: ${(v.errors ?? [])
              .map(
                (e) =>
                  `${e.instancePath || '/'} ${e.message}${e.keyword === 'additionalProperties' ? ` (${(e.params as { additionalProperty: string }).additionalProperty})` : ''}`,
              )
              .join('; ')}`,
          );
        }
      },
    };
  })();
  return contractOnce;
}

let keys: ReturnType<typeof loadOrCreateKeys> | undefined;

/** The local IdP's key pair (read once from the data folder). */
export const idpKeys = () => {
  keys ??= loadOrCreateKeys(dataDir());
  return keys;
};

/** A token signed by the running system's identity provider, as `npm run token` prints. */
export async function token(req: TokenRequest): Promise<string> {
  return signToken(await idpKeys(), runtime().issuer, req);
}

export const financeToken = () => token({ role: 'finance' });

/** An id no other test of this run uses (the data folder is shared by every e2e file of a run). */
export function uniqueId(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`.slice(0, 32);
}

/** A valid department body. */
export function departmentBody(id: string, extra: Record<string, unknown> = {}) {
  return { id, name: `Department ${id}`, contactEmails: [`${id.toLowerCase()}@example.gov.cn`], ...extra };
}

/** Creates a department as finance and returns it. */
export async function createDepartment(id = uniqueId('D')) {
  const res = await api('/v1/departments', { token: await financeToken(), body: departmentBody(id) });
  if (res.status !== 201) throw new Error(`creating department ${id}: ${res.status} ${res.text}`);
  return res.json as { id: string; version: number; name: string };
}

/** Asserts a problem+json answer: its status, content type and `{ type, title, status, detail }`; returns the body. */
export function expectProblem(res: ApiResponse, status: number) {
  expect(res.headers.get('content-type'), res.text).toMatch(/^application\/problem\+json/);
  expect(res.json, res.text).toMatchObject({
    type: expect.any(String),
    title: expect.any(String),
    status,
    detail: expect.any(String),
  });
  expect(res.status, res.text).toBe(status);
  return res.json as {
    type: string;
    title: string;
    status: number;
    detail: string;
    errors?: { path: string; message: string }[];
  };
}
