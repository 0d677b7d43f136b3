// Helpers of the e2e tier: HTTP calls to the running system, tokens of its identity provider, unique ids.
import { randomBytes } from 'node:crypto';
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
  Object.assign(headers, opts.headers);
  const url = /^https?:\/\//.test(path) ? path : `${runtime().api}${path}`;
  const res = await fetch(url, {
    method: opts.method ?? (body === undefined ? 'GET' : 'POST'),
    headers,
    body,
  });
  const text = await res.text();
  const isJson = /^application\/([a-z.+-]*\+)?json/i.test(res.headers.get('content-type') ?? '');
  return {
    status: res.status,
    headers: res.headers,
    json: isJson && text ? JSON.parse(text) : undefined,
    text,
  };
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
