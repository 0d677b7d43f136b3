// The foundation, end to end: the system `npm start` runs (started once by global-setup.ts), called over HTTP
// the way clients call it, against the conventions of /work/shared/api-contract.md.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decodeJwt, generateKeyPair, importJWK, type JWTPayload, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { repoRoot, systemEnv, tsxBin } from './global-setup.js';
import {
  api,
  createDepartment,
  dataDir,
  departmentBody,
  expectProblem,
  financeToken,
  idpKeys,
  runtime,
  token,
  uniqueId,
} from './support.js';

const JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command of the repository to its end (killing its process group after `timeoutMs`). */
function run(
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs = 20_000,
): Promise<Run & { timedOut: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(tsxBin, args, {
      cwd: repoRoot,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      stdout += c;
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      stderr += c;
    });
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    }, timeoutMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, timedOut });
    });
  });
}

interface Page<T> {
  items: T[];
  nextToken?: string;
}

/** Every page of a list, following nextToken until a page has none. */
async function listAll<T = { id: string }>(route: string, bearer: string, limit = 100): Promise<Page<T>[]> {
  const pages: Page<T>[] = [];
  let next: string | undefined;
  do {
    const sep = route.includes('?') ? '&' : '?';
    const res = await api<Page<T>>(
      `${route}${sep}limit=${limit}${next ? `&nextToken=${encodeURIComponent(next)}` : ''}`,
      { token: bearer },
    );
    expect(res.status, res.text).toBe(200);
    pages.push(res.json);
    next = res.json.nextToken;
    if (pages.length > 1000) throw new Error('the list does not end');
  } while (next);
  return pages;
}

const allIds = (pages: Page<{ id: string }>[]) => pages.flatMap((p) => p.items.map((i) => i.id));

/** The rule values of a configuration as PUT takes them (without its metadata). */
function ruleValuesOf(config: Record<string, unknown>) {
  const { fiscalYear: _y, version: _v, isDefault: _d, createdAt: _c, createdBy: _b, ...values } = config;
  return structuredClone(values) as Record<string, Record<string, unknown>>;
}

/** Signs `payload` (with its header kid) with `key`: the claims of a real token, another key or dates. */
async function resign(payload: JWTPayload, key: Parameters<SignJWT['sign']>[0]): Promise<string> {
  return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid: 'local-1', typ: 'JWT' }).sign(key);
}

describe('health and the local servers', () => {
  it('GET /health answers ok and names the URL of every local server', async () => {
    const res = await api('/health');

    expect(res.status).toBe(200);
    const rt = runtime();
    expect(res.json).toMatchObject({
      status: 'ok',
      api: rt.api,
      mail: rt.mail,
      dynamodb: rt.dynamodb,
      s3: rt.s3,
      ses: rt.ses,
      idp: rt.idp,
    });
    for (const name of ['mail', 'dynamodb', 's3', 'ses', 'idp', 'api']) {
      expect(res.json[name]).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    }
  });

  it('the mail server shows its page and lists the sent messages at /store', async () => {
    const { mail } = (await api('/health')).json;

    const page = await api(`${mail}/`);
    const store = await api(`${mail}/store`);

    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.text).toMatch(/<html/i);
    expect(store.status).toBe(200);
    expect(Array.isArray(store.json.emails)).toBe(true);
  });
});

describe('the token command', () => {
  it('prints one JWT alone on stdout, which the API accepts', async () => {
    const id = uniqueId('CLI');

    const out = await run(['infra/local/token-cli.ts', '--role', 'finance'], {
      ...process.env,
      DATA_DIR: dataDir(),
    });

    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout.endsWith('\n')).toBe(true);
    const lines = out.stdout.split('\n');
    expect(lines).toHaveLength(2); // one line and its newline
    const jwt = lines[0]!;
    expect(jwt).toMatch(JWT);
    const created = await api('/v1/departments', { token: jwt, body: departmentBody(id) });
    expect(created.status, created.text).toBe(201);
    expect(created.json).toMatchObject({ id, version: 1 });
    const ids = allIds(await listAll('/v1/departments', jwt));
    expect(ids).toContain(id);
  });

  it('refuses a department user without --department: a message on stderr, nothing on stdout', async () => {
    const out = await run(['infra/local/token-cli.ts', '--role', 'department'], {
      ...process.env,
      DATA_DIR: dataDir(),
    });

    expect(out.code).not.toBe(0);
    expect(out.stdout).toBe('');
    expect(out.stderr).toMatch(/--department is required/);
  });
});

describe('400 Bad Request', () => {
  it('malformed JSON → problem+json naming the body', async () => {
    const res = await api('/v1/departments', {
      token: await financeToken(),
      rawBody: '{"id":',
      headers: { 'content-type': 'application/json' },
    });

    const problem = expectProblem(res, 400);
    expect(problem.errors?.[0]?.path).toBe('body');
  });

  it('an unknown field → errors names that field', async () => {
    const res = await api('/v1/departments', {
      token: await financeToken(),
      body: departmentBody(uniqueId('D'), { colour: 'red' }),
      headers: { 'accept-language': 'en' },
    });

    const problem = expectProblem(res, 400);
    expect(problem.type).toBe('/problems/validation');
    expect(problem.errors).toContainEqual({ path: 'colour', message: expect.stringMatching(/unknown/) });
  });

  it('a number sent as a string in a JSON body → 400 (coercion is for paths and queries only)', async () => {
    const finance = await financeToken();

    const asText = await api('/v1/bulletins', { token: finance, body: { fiscalYear: '2026' } });
    const fractional = await api('/v1/bulletins', { token: finance, body: { fiscalYear: 2026.5 } });

    expect(expectProblem(asText, 400).errors?.map((e) => e.path)).toEqual(['fiscalYear']);
    expect(expectProblem(fractional, 400).errors?.map((e) => e.path)).toEqual(['fiscalYear']);
  });

  it.each([
    ['a report score', '/v1/evaluations/E-NONE/report', { score: 1e300 }, 'score'],
    ['a rating item', '/v1/agencies/A-NONE/ratings', { scores: { expertise: -1e300 } }, 'scores.expertise'],
    ['an upload size', '/v1/expenditure-imports', { fileName: 'a.csv', size: 2 ** 60 }, 'size'],
    ['an evidence size', '/v1/projects/P-NONE/upload-links', { size: 6 * 1024 ** 3 }, 'size'],
  ])('%s beyond any the domain allows → 400 naming it', async (_, path, body, field) => {
    const res = await api(path, { token: await financeToken(), body });

    expect(expectProblem(res, 400).errors?.map((e) => e.path)).toContain(field);
  });

  it('a configuration version beyond 1,000,000 → 400', async () => {
    const res = await api('/v1/config/2026?version=10000000', { token: await financeToken() });

    expect(expectProblem(res, 400).errors?.map((e) => e.path)).toEqual(['version']);
  });

  it('a query that breaks the schema (?limit=0) → errors names limit', async () => {
    const res = await api('/v1/departments?limit=0', { token: await financeToken() });

    const problem = expectProblem(res, 400);
    expect(problem.errors?.map((e) => e.path)).toContain('limit');
  });
});

describe('401 Unauthorized', () => {
  it('no token', async () => {
    const res = await api('/v1/departments');

    expectProblem(res, 401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it('a token signed by another key', async () => {
    const claims = decodeJwt(await financeToken());
    const { privateKey } = await generateKeyPair('RS256');
    const forged = await resign(claims, privateKey);

    const res = await api('/v1/departments', { token: forged });

    expectProblem(res, 401);
  });

  it('an expired token signed with the real key', async () => {
    const claims = decodeJwt(await financeToken());
    const now = Math.floor(Date.now() / 1000);
    const realKey = await importJWK((await idpKeys()).privateJwk, 'RS256');
    const expired = await resign({ ...claims, iat: now - 7200, exp: now - 3600 }, realKey);

    const res = await api('/v1/departments', { token: expired, headers: { 'accept-language': 'en' } });

    expect(expectProblem(res, 401).detail).toMatch(/expired/i);
    const zh = await api('/v1/departments', { token: expired, language: null });
    expect(expectProblem(zh, 401).detail).toBe('令牌已过期');
  });

  it('the same forged claims pass once signed with the real key (control)', async () => {
    const claims = decodeJwt(await financeToken());
    const realKey = await importJWK((await idpKeys()).privateJwk, 'RS256');

    const res = await api('/v1/departments?limit=1', { token: await resign(claims, realKey) });

    expect(res.status, res.text).toBe(200);
  });
});

describe('403 Forbidden', () => {
  it('a department may not create a department', async () => {
    const bearer = await token({ role: 'department', departmentId: uniqueId('D') });

    const res = await api('/v1/departments', { token: bearer, body: departmentBody(uniqueId('D')) });

    expectProblem(res, 403);
  });

  it('a department may not list agencies', async () => {
    const bearer = await token({ role: 'department', departmentId: uniqueId('D') });

    const res = await api('/v1/agencies', { token: bearer });

    expectProblem(res, 403);
  });

  it('an evaluator may not list departments', async () => {
    const bearer = await token({ role: 'evaluator', agencyId: uniqueId('A') });

    const res = await api('/v1/departments', { token: bearer });

    expectProblem(res, 403);
  });
});

describe('404 Not Found', () => {
  it('another department’s record is reported missing, not forbidden', async () => {
    const own = await createDepartment();
    const other = await createDepartment();
    const bearer = await token({ role: 'department', departmentId: own.id });

    const mine = await api(`/v1/departments/${own.id}`, { token: bearer });
    const theirs = await api(`/v1/departments/${other.id}`, { token: bearer });

    expect(mine.status, mine.text).toBe(200);
    expect(mine.json).toMatchObject({ id: own.id });
    expect(expectProblem(theirs, 404).detail).toContain(other.id);
  });

  it('a department that does not exist', async () => {
    const missing = uniqueId('NONE');

    const res = await api(`/v1/departments/${missing}`, { token: await financeToken() });

    expect(expectProblem(res, 404).detail).toContain(missing);
  });

  it('an evaluator asking for another agency', async () => {
    const finance = await financeToken();
    const other = uniqueId('A');
    const created = await api('/v1/agencies', {
      token: finance,
      body: {
        id: other,
        name: 'Other agency',
        contactEmails: ['other@example.com'],
        conflictDepartmentIds: [],
      },
    });
    expect(created.status, created.text).toBe(201);
    const bearer = await token({ role: 'evaluator', agencyId: uniqueId('A') });

    const res = await api(`/v1/agencies/${other}`, { token: bearer });

    expectProblem(res, 404);
  });

  it('an unknown route', async () => {
    const res = await api('/v1/no-such-thing', { token: await financeToken() });

    expect(expectProblem(res, 404).detail).toContain('/v1/no-such-thing');
  });
});

describe('409 Conflict', () => {
  it('a department id that exists → detail names it', async () => {
    const existing = await createDepartment();

    const res = await api('/v1/departments', {
      token: await financeToken(),
      body: departmentBody(existing.id),
    });

    expect(expectProblem(res, 409).detail).toContain(existing.id);
  });
});

describe('412 Precondition Failed and versions', () => {
  it('If-Match of an old version → 412; of the current one → 200, version + 1 and its etag', async () => {
    const finance = await financeToken();
    const { id } = await createDepartment();
    const update = (name: string, version: number) =>
      api(`/v1/departments/${id}`, {
        method: 'PUT',
        token: finance,
        headers: { 'if-match': `"${version}"` },
        body: { name, contactEmails: ['x@example.gov.cn'] },
      });
    const first = await update('First rename', 1);
    expect(first.status, first.text).toBe(200);
    expect(first.json.version).toBe(2);
    expect(first.headers.get('etag')).toBe('"2"');

    const stale = await update('Stale rename', 1);
    const current = await update('Second rename', 2);

    expect(expectProblem(stale, 412).detail).toMatch(/version 2/);
    expect(current.status, current.text).toBe(200);
    expect(current.json).toMatchObject({ id, name: 'Second rename', version: 3 });
    expect(current.headers.get('etag')).toBe('"3"');
    const stored = await api(`/v1/departments/${id}`, { token: finance });
    expect(stored.json).toMatchObject({ name: 'Second rename', version: 3 });
  });
});

describe('413 and 415', () => {
  it('a body over 256 KiB → 413', async () => {
    const body = departmentBody(uniqueId('D'), { name: 'x'.repeat(300 * 1024) });

    const res = await api('/v1/departments', { token: await financeToken(), body });

    expectProblem(res, 413);
  });

  it('a body that is not application/json → 415', async () => {
    const res = await api('/v1/departments', {
      token: await financeToken(),
      rawBody: JSON.stringify(departmentBody(uniqueId('D'))),
      headers: { 'content-type': 'text/plain' },
    });

    expectProblem(res, 415);
  });
});

/** Bytes sent as they are to the API's port (what no HTTP client would send), and the reply parsed. */
function rawRequest(
  text: string,
): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  const { hostname, port } = new URL(runtime().api);
  return new Promise((resolve, reject) => {
    // Written, not ended: a half-closed socket may be dropped before the reply. The server closes it (an error
    // reply, or `Connection: close`); after 5 s the socket is dropped here.
    const socket = connect({ host: hostname, port: Number(port) }, () => socket.write(text, 'latin1'));
    socket.setTimeout(5_000, () => socket.destroy());
    const chunks: Buffer[] = [];
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const reply = Buffer.concat(chunks).toString('utf8');
      const [head = '', body = ''] = reply.split('\r\n\r\n');
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers = Object.fromEntries(
        lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]),
      );
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body });
    });
  });
}

describe('what the gateway refuses before any route (as API Gateway does, as problem+json)', () => {
  const get = (headers: string[]) =>
    rawRequest(
      ['GET /health HTTP/1.1', `Host: ${new URL(runtime().api).host}`, ...headers, '', ''].join('\r\n'),
    );
  const problemOf = (res: { status: number; headers: Record<string, string>; body: string }) => {
    expect(res.headers['content-type']).toBe('application/problem+json');
    const body = JSON.parse(res.body);
    expect(body.status).toBe(res.status);
    return body;
  };

  it('a request line and headers over 10,240 bytes (API Gateway’s quota) → 431, in zh-CN by default', async () => {
    const res = await get([`X-Big: ${'x'.repeat(10_300)}`]);

    expect(res.status).toBe(431);
    expect(problemOf(res)).toMatchObject({ type: '/problems/headers-too-large', title: '请求头过大' });
  });

  it('… in English on Accept-Language: en, also when many headers make the size', async () => {
    const many = Array.from({ length: 40 }, (_, i) => `X-Part-${i}: ${'y'.repeat(300)}`);

    const res = await get(['Accept-Language: en', ...many]);

    expect(res.status).toBe(431);
    expect(problemOf(res)).toMatchObject({
      type: '/problems/headers-too-large',
      title: 'Request Header Fields Too Large',
      detail: 'The request line and headers are over 10240 bytes',
    });
  });

  it('headers just under the quota are served', async () => {
    const res = await get([`X-Big: ${'x'.repeat(9_000)}`, 'Connection: close']);

    expect(res.status).toBe(200);
  });

  it.each([
    ['a malformed request line', 'GET /health HTTP/9.x\r\nHost: x\r\n\r\n'],
    ['a method that is no token', 'G@T /health HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['a header without a colon', 'GET /health HTTP/1.1\r\nHost: x\r\nnot a header\r\n\r\n'],
    ['a control character in a header value', 'GET /health HTTP/1.1\r\nHost: x\r\nX-A: a\x01b\r\n\r\n'],
  ])('%s → 400 /problems/validation', async (_, text) => {
    const res = await rawRequest(text);

    expect(res.status).toBe(400);
    expect(problemOf(res)).toMatchObject({ type: '/problems/validation', title: '请求格式错误' });
  });
});

describe('422 Unprocessable Content', () => {
  it('an agency naming a department that does not exist → errors names that entry', async () => {
    const existing = await createDepartment();
    const res = await api('/v1/agencies', {
      token: await financeToken(),
      body: {
        id: uniqueId('A'),
        name: 'Agency',
        contactEmails: ['a@example.com'],
        conflictDepartmentIds: [uniqueId('NONE'), existing.id],
      },
    });

    const problem = expectProblem(res, 422);
    expect(problem.errors?.map((e) => e.path)).toEqual(['conflictDepartmentIds[0]']);
  });

  it('rules with grade bands out of order → errors names grades, and nothing is saved', async () => {
    const finance = await financeToken();
    const year = 2032;
    const values = ruleValuesOf((await api(`/v1/config/${year}`, { token: finance })).json);
    values.grades = { excellent: 90, good: 95, fair: 60 };

    const res = await api(`/v1/config/${year}`, { method: 'PUT', token: finance, body: values });

    const problem = expectProblem(res, 422);
    expect(problem.errors?.map((e) => e.path)).toContain('grades');
    expect((await api(`/v1/config/${year}`, { token: finance })).json).toMatchObject({
      version: 1,
      isDefault: true,
    });
  });
});

describe('order of precedence', () => {
  it('malformed JSON from a role that may not call the route → 400, not 403', async () => {
    const bearer = await token({ role: 'department', departmentId: uniqueId('D') });

    const res = await api('/v1/departments', {
      token: bearer,
      rawBody: '{"id":',
      headers: { 'content-type': 'application/json' },
    });

    expectProblem(res, 400);
  });
});

describe('Idempotency-Key', () => {
  it('a retry with the same key and body answers the first response and creates nothing', async () => {
    const finance = await financeToken();
    const id = uniqueId('IDEM');
    const key = uniqueId('key');
    const post = () =>
      api('/v1/departments', {
        token: finance,
        body: departmentBody(id),
        headers: { 'idempotency-key': key },
      });

    const first = await post();
    const retry = await post();

    expect(first.status, first.text).toBe(201);
    expect(retry.status, retry.text).toBe(201);
    expect(retry.json).toEqual(first.json);
    const ids = allIds(await listAll('/v1/departments', finance));
    expect(ids.filter((x) => x === id)).toHaveLength(1);
    const audit = await api(`/v1/audit?entityId=${id}`, { token: finance });
    expect(audit.json.items).toHaveLength(1);
  });

  it('the same key with another body → 409', async () => {
    const finance = await financeToken();
    const key = uniqueId('key');
    const first = await api('/v1/departments', {
      token: finance,
      body: departmentBody(uniqueId('IDEM')),
      headers: { 'idempotency-key': key },
    });
    expect(first.status, first.text).toBe(201);
    const otherId = uniqueId('IDEM');

    const res = await api('/v1/departments', {
      token: finance,
      body: departmentBody(otherId),
      headers: { 'idempotency-key': key },
    });

    expectProblem(res, 409);
    expect((await api(`/v1/departments/${otherId}`, { token: finance })).status).toBe(404);
  });
});

describe('paging', () => {
  it('limit=2 pages cover every department exactly once; the last page has no nextToken', async () => {
    const finance = await financeToken();
    const prefix = uniqueId('PG');
    const created: string[] = [];
    for (let i = 0; i < 5; i++) created.push((await createDepartment(`${prefix}-${i}`)).id);

    const pages = await listAll('/v1/departments', finance, 2);

    for (const page of pages) expect(page.items.length).toBeLessThanOrEqual(2);
    const ids = allIds(pages);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of created) expect(ids.filter((x) => x === id)).toHaveLength(1);
    expect(pages.length).toBeGreaterThanOrEqual(3);
    expect(pages.slice(0, -1).every((p) => typeof p.nextToken === 'string')).toBe(true);
    expect(pages.at(-1)!.nextToken).toBeUndefined();
  });

  it('a nextToken that is not one of this list → 400 naming nextToken', async () => {
    const finance = await financeToken();
    const ofAgencies = Buffer.from(
      JSON.stringify({ pk: 'AGENCY#X', sk: 'AGENCY', gsi1pk: 'AGENCIES', gsi1sk: 'X' }),
    ).toString('base64url');

    const garbage = await api('/v1/departments?limit=2&nextToken=not-a-token', { token: finance });
    const foreign = await api(`/v1/departments?limit=2&nextToken=${ofAgencies}`, { token: finance });

    expect(expectProblem(garbage, 400).errors?.map((e) => e.path)).toContain('nextToken');
    expect(expectProblem(foreign, 400).errors?.map((e) => e.path)).toContain('nextToken');
  });
});

describe('audit', () => {
  it('a creation and an update leave two records, oldest first, with who and before → after', async () => {
    const finance = await financeToken();
    const { id } = await createDepartment();
    const updated = await api(`/v1/departments/${id}`, {
      method: 'PUT',
      token: finance,
      body: { name: 'Renamed', contactEmails: ['renamed@example.gov.cn'] },
    });
    expect(updated.status, updated.text).toBe(200);

    const res = await api(`/v1/audit?entityId=${id}`, { token: finance });

    expect(res.status, res.text).toBe(200);
    const [create, update, ...rest] = res.json.items;
    expect(rest).toEqual([]);
    expect(create).toMatchObject({
      entityId: id,
      action: 'create',
      actor: { role: 'finance' },
      before: null,
      after: { id, version: 1 },
    });
    expect(update).toMatchObject({
      entityId: id,
      action: 'update',
      actor: { role: 'finance' },
      before: { id, version: 1, name: `Department ${id}` },
      after: { id, version: 2, name: 'Renamed' },
    });
    expect(Date.parse(create.at)).toBeLessThanOrEqual(Date.parse(update.at));
  });

  it('a department may not read the audit trail', async () => {
    const { id } = await createDepartment();
    const bearer = await token({ role: 'department', departmentId: id });

    const res = await api(`/v1/audit?entityId=${id}`, { token: bearer });

    expectProblem(res, 403);
  });
});

describe('rule configuration', () => {
  const year = 2031;

  it('is versioned: defaults as version 1, a PUT makes version 2, version 1 stays readable', async () => {
    const finance = await financeToken();
    const defaults = await api(`/v1/config/${year}`, { token: finance });
    expect(defaults.status, defaults.text).toBe(200);
    expect(defaults.json).toMatchObject({
      fiscalYear: year,
      version: 1,
      isDefault: true,
      exAnte: { thresholdAmount: 3000000 },
      grades: { excellent: 90, good: 80, fair: 60 },
      results: { cutShare: 0.1 },
    });
    const values = ruleValuesOf(defaults.json);
    values.results = { cutShare: 0.15 };

    const put = await api(`/v1/config/${year}`, { method: 'PUT', token: finance, body: values });

    expect(put.status, put.text).toBe(200);
    expect(put.json).toMatchObject({
      fiscalYear: year,
      version: 2,
      isDefault: false,
      results: { cutShare: 0.15 },
    });
    const current = await api(`/v1/config/${year}`, { token: finance });
    expect(current.json).toMatchObject({ version: 2, results: { cutShare: 0.15 } });
    const first = await api(`/v1/config/${year}?version=1`, { token: finance });
    expect(first.json).toMatchObject({ version: 1, isDefault: true, results: { cutShare: 0.1 } });
  });

  it('a department may read the rules but not change them', async () => {
    const bearer = await token({ role: 'department', departmentId: uniqueId('D') });
    const read = await api(`/v1/config/${year + 10}`, { token: bearer });
    expect(read.status, read.text).toBe(200);

    const res = await api(`/v1/config/${year + 10}`, {
      method: 'PUT',
      token: bearer,
      body: ruleValuesOf(read.json),
    });

    expectProblem(res, 403);
  });
});

describe('API description', () => {
  it('GET /openapi.json is OpenAPI 3.1 with the routes, and every $ref resolves', async () => {
    const res = await api('/openapi.json');

    expect(res.status).toBe(200);
    const doc = res.json;
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths['/v1/departments'])).toEqual(expect.arrayContaining(['get', 'post']));
    expect(doc.paths['/v1/config/{fiscalYear}']).toBeDefined();
    const refs = new Set<string>();
    const walk = (node: unknown) => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === 'object') {
        for (const [k, v] of Object.entries(node)) {
          if (k === '$ref' && typeof v === 'string') refs.add(v);
          else walk(v);
        }
      }
    };
    walk(doc);
    expect(refs.size).toBeGreaterThan(0);
    const schemas = Object.keys(doc.components.schemas);
    const unresolved = [...refs].filter(
      (ref) =>
        !ref.startsWith('#/components/schemas/') ||
        !schemas.includes(ref.slice('#/components/schemas/'.length)),
    );
    expect(unresolved).toEqual([]);
  });

  it('GET /docs is an HTML page whose Swagger UI script is served', async () => {
    const page = await api('/docs');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.text).toContain('/docs/swagger-ui-bundle.js');

    const script = await api('/docs/swagger-ui-bundle.js');

    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/javascript/);
    expect(script.text.length).toBeGreaterThan(100_000);
  });
});

describe('npm start on a port in use', () => {
  it('exits non-zero and names the port', async () => {
    const port = new URL(runtime().api).port;
    const otherDir = await mkdtemp(path.join(tmpdir(), 'bp-e2e-port-'));
    try {
      const out = await run(['infra/local/start.ts'], systemEnv(otherDir, { PORT: port }), 20_000);

      expect(out.timedOut, `${out.stderr}\n${out.stdout}`).toBe(false);
      expect(out.code).not.toBe(0);
      expect(`${out.stderr}\n${out.stdout}`).toContain(`port ${port} is already in use`);
    } finally {
      await rm(otherDir, { recursive: true, force: true });
    }
  });
});

describe('paging edge cases', () => {
  it('the page that holds the last items carries no nextToken (contract: none on the last page)', async () => {
    const finance = await financeToken();
    const { id } = await createDepartment();
    await api(`/v1/departments/${id}`, {
      method: 'PUT',
      token: finance,
      body: { name: 'Renamed', contactEmails: ['renamed@example.gov.cn'] },
    });

    const res = await api(`/v1/audit?entityId=${id}&limit=2`, { token: finance });

    expect(res.json.items).toHaveLength(2);
    expect(res.json.nextToken).toBeUndefined();
  });

  it('a nextToken of the right list with a broken key → 400, not 500', async () => {
    const finance = await financeToken();
    const broken = Buffer.from(JSON.stringify({ gsi1pk: 'DEPTS' })).toString('base64url');

    const res = await api(`/v1/departments?limit=2&nextToken=${broken}`, { token: finance });

    expectProblem(res, 400);
  });
});
