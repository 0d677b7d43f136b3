// Resources of the e2e tier built over HTTP, each walked through the API as its users would: departments and
// agencies with their tokens, projects in every status of a past fiscal year, self-evaluations, notices and
// clawbacks from a sweep, third-party evaluations in every state (with real uploads to the local S3), and the
// tokens a hostile client would send (expired, another key, another audience or issuer).
import { exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from 'jose';
import { LOCAL_AUDIENCE } from '../../infra/local/idp.js';
import { claimNames } from '../../shared/http/auth.js';
import { type ApiResponse, api, financeToken, idpKeys, runtime, token, uniqueId } from './support.js';

// biome-ignore lint/suspicious/noExplicitAny: bodies as the API answered them; the callers check them
export type Json = any;

/** The body of a 2xx answer, or an error naming the request (fixtures are not what a test asserts). */
export function must(res: ApiResponse, what: string, status?: number): Json {
  if (status !== undefined ? res.status !== status : res.status >= 300) {
    throw new Error(`${what}: ${res.status} ${res.text.slice(0, 500)}`);
  }
  return res.json;
}

export interface Tenant {
  id: string;
  bearer: string;
}

export async function newDepartment(prefix = 'D'): Promise<Tenant> {
  const id = uniqueId(prefix);
  must(
    await api('/v1/departments', {
      token: await financeToken(),
      body: { id, name: `部门 ${id}`, contactEmails: [`${id.toLowerCase()}@example.gov.cn`] },
    }),
    `department ${id}`,
    201,
  );
  return { id, bearer: await token({ role: 'department', departmentId: id }) };
}

export async function newAgency(prefix = 'A', conflictDepartmentIds: string[] = []): Promise<Tenant> {
  const id = uniqueId(prefix);
  must(
    await api('/v1/agencies', {
      token: await financeToken(),
      body: {
        id,
        name: `评价机构 ${id}`,
        contactEmails: [`${id.toLowerCase()}@agency.example.cn`],
        conflictDepartmentIds,
      },
    }),
    `agency ${id}`,
    201,
  );
  return { id, bearer: await token({ role: 'evaluator', agencyId: id }) };
}

// ------------------------------------------------------------------------------------------------ tokens

const signed = async (
  privateJwk: JWK,
  opts: { issuer: string; audience: string; exp: number; groups?: string[]; departmentId?: string },
) => {
  const claims: Record<string, unknown> = {
    token_use: 'id',
    'cognito:username': 'hostile',
    [claimNames.groups]: opts.groups ?? ['finance'],
    email: 'hostile@example.gov.cn',
  };
  if (opts.departmentId) claims[claimNames.departmentId] = opts.departmentId;
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: 'local-1', typ: 'JWT' })
    .setIssuer(opts.issuer)
    .setAudience(opts.audience)
    .setSubject('hostile')
    .setIssuedAt(Math.min(now, opts.exp - 60))
    .setExpirationTime(opts.exp)
    .sign(await importJWK(privateJwk, 'RS256'));
};

/**
 * The tokens that must all be refused with 401, each for finance (the role that may call the most): expired
 * an hour ago, signed by a key the IdP never published (with its kid), for another audience, from another
 * issuer. (`none` is the request without a token.)
 */
export async function badTokens(): Promise<
  Record<'expired' | 'otherKey' | 'wrongAudience' | 'wrongIssuer', string>
> {
  const keys = await idpKeys();
  const { issuer } = runtime();
  const later = Math.floor(Date.now() / 1000) + 3600;
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const foreign = await exportJWK(privateKey);
  return {
    expired: await signed(keys.privateJwk, {
      issuer,
      audience: LOCAL_AUDIENCE,
      exp: Math.floor(Date.now() / 1000) - 3600,
    }),
    otherKey: await signed(foreign, { issuer, audience: LOCAL_AUDIENCE, exp: later }),
    wrongAudience: await signed(keys.privateJwk, { issuer, audience: 'another-client', exp: later }),
    wrongIssuer: await signed(keys.privateJwk, {
      issuer: 'http://127.0.0.1:1/not-our-idp',
      audience: LOCAL_AUDIENCE,
      exp: later,
    }),
  };
}

// ------------------------------------------------------------------------------------------------ projects

let goalCache: Json[] | undefined;
/** The education goal set of the indicator library. */
export async function educationGoals(): Promise<Json[]> {
  goalCache ??= must(
    await api('/v1/indicator-templates?category=education', { token: await financeToken() }),
    'indicator templates',
  ).goalSet.indicators;
  return goalCache as Json[];
}

export interface ProjectOptions {
  year: number;
  budget?: number;
  isNew?: boolean;
  /** How far to walk it: draft (no goals), goals (draft with goals), submitted, library, executing. */
  to: 'draft' | 'goals' | 'submitted' | 'library' | 'executing';
}

/** A project of `dept` walked to `to` (continuing and under the threshold unless `isNew`: no assessment). */
export async function project(dept: Tenant, o: ProjectOptions): Promise<string> {
  const finance = await financeToken();
  const budget = o.budget ?? 1_000_000;
  const p = must(
    await api('/v1/projects', {
      token: dept.bearer,
      body: {
        fiscalYear: o.year,
        name: `项目 ${uniqueId('N')}`,
        kind: 'project',
        isNew: o.isNew ?? false,
        requestedAmount: budget,
        category: 'education',
      },
    }),
    'project',
    201,
  );
  const id = p.id as string;
  if (o.to === 'draft') return id;
  must(
    await api(`/v1/projects/${id}/goals`, {
      method: 'PUT',
      token: dept.bearer,
      body: { overallGoal: '新增学位1200个', indicators: await educationGoals() },
    }),
    `goals of ${id}`,
  );
  if (o.to === 'goals') return id;
  must(await api(`/v1/projects/${id}/submit`, { method: 'POST', token: dept.bearer }), `submit ${id}`);
  if (o.to === 'submitted') return id;
  must(
    await api(`/v1/projects/${id}/goal-review`, { token: finance, body: { grade: 'excellent' } }),
    `goal review ${id}`,
  );
  if (o.to === 'library') return id;
  must(
    await api(`/v1/projects/${id}/budget`, { token: finance, body: { approvedAmount: budget } }),
    `budget ${id}`,
  );
  return id;
}

export const spend = async (
  dept: Tenant,
  projectId: string,
  voucherNo: string,
  date: string,
  amount: number,
) =>
  must(
    await api(`/v1/projects/${projectId}/expenditures`, {
      token: dept.bearer,
      body: { voucherNo, date, amount },
    }),
    `spend on ${projectId}`,
    201,
  );

/** Every indicator of the education goals answered as met: the body of a self-evaluation. */
export async function selfEvaluationBody(): Promise<Json> {
  return {
    summary: '年度绩效目标总体完成',
    indicators: (await educationGoals()).map((i: Json) =>
      i.operator === 'qualitative'
        ? { name: i.name, tier: 'achieved', score: i.weight }
        : { name: i.name, actual: i.target },
    ),
  };
}

/** Every indicator answered as on track: the body of a monitoring report of `period`. */
export async function monitoringReportBody(period: string): Promise<Json> {
  return {
    period,
    indicators: (await educationGoals()).map((i: Json) =>
      i.operator === 'qualitative'
        ? { name: i.name, tier: 'achieved', likelihood: 'certain' }
        : { name: i.name, actual: i.target, likelihood: 'certain' },
    ),
  };
}

export async function selfEvaluated(dept: Tenant, projectId: string): Promise<void> {
  must(
    await api(`/v1/projects/${projectId}/self-evaluation`, {
      token: dept.bearer,
      body: await selfEvaluationBody(),
    }),
    `self-evaluation of ${projectId}`,
    201,
  );
}

export async function reviewed(projectId: string): Promise<void> {
  must(
    await api(`/v1/projects/${projectId}/self-evaluation/review`, {
      token: await financeToken(),
      body: { adjustments: [], comments: '属实' },
    }),
    `review of ${projectId}`,
  );
}

/** Every item of a list, following nextToken. */
export async function listAll(route: string, bearer: string): Promise<Json[]> {
  const items: Json[] = [];
  let next: string | undefined;
  do {
    const sep = route.includes('?') ? '&' : '?';
    const page = must(
      await api(`${route}${sep}limit=100${next ? `&nextToken=${encodeURIComponent(next)}` : ''}`, {
        token: bearer,
      }),
      route,
    );
    items.push(...page.items);
    next = page.nextToken;
  } while (next);
  return items;
}

// ------------------------------------------------------------------------------------------------ uploads

/** A small but real PDF (magic bytes `%PDF-`, an `%%EOF` trailer). */
export const pdfBytes = (text: string) =>
  Buffer.from(`%PDF-1.4\n% ${text}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n`);

interface Link {
  documentId: string;
  url: string;
  fields: Record<string, string>;
  pageUrl: string;
}

/** Posts the file to the bucket as a browser's form does and waits until the upload event judged it. */
export async function uploadAndWait(link: Link, bytes: Buffer, bearer: string): Promise<Json> {
  const form = new FormData();
  for (const [k, v] of Object.entries(link.fields)) form.append(k, v);
  form.append('file', new Blob([bytes], { type: 'application/pdf' }), 'file.pdf');
  const res = await fetch(link.url, { method: 'POST', body: form, redirect: 'manual' });
  await res.arrayBuffer();
  if (res.status >= 400) throw new Error(`upload of ${link.documentId}: ${res.status}`);
  const deadline = Date.now() + 20_000;
  for (;;) {
    const doc = must(await api(`/v1/documents/${link.documentId}`, { token: bearer }), 'document');
    if (doc.status !== 'pending') {
      if (doc.status !== 'received')
        throw new Error(`document ${link.documentId}: ${doc.status} ${doc.reason}`);
      return doc;
    }
    if (Date.now() > deadline) throw new Error(`document ${link.documentId} still pending`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A received document of an evaluation (`plan`, `report` or `evidence`), uploaded by its agency. */
export async function evaluationDocument(
  evaluationId: string,
  agency: Tenant,
  kind: string,
): Promise<string> {
  const bytes = pdfBytes(`${kind} ${evaluationId} ${uniqueId('x')}`);
  const link = must(
    await api(`/v1/evaluations/${evaluationId}/upload-links`, {
      token: agency.bearer,
      body: { kind, fileName: `${kind}.pdf`, contentType: 'application/pdf', size: bytes.length },
    }),
    `${kind} link of ${evaluationId}`,
    201,
  );
  await uploadAndWait(link, bytes, agency.bearer);
  return link.documentId;
}

export type EvaluationState =
  | 'plan_pending'
  | 'plan_submitted'
  | 'plan_approved'
  | 'report_submitted'
  | 'report_approved';

const evaluationStatus = async (id: string) =>
  must(await api(`/v1/evaluations/${id}`, { token: await financeToken() }), `evaluation ${id}`)
    .status as string;

/** An evaluation of `projectId` by `agency`, walked to `to` through real uploads and reviews. */
export async function evaluation(projectId: string, agency: Tenant, to: EvaluationState): Promise<string> {
  const finance = await financeToken();
  const e = must(
    await api('/v1/evaluations', { token: finance, body: { projectId, agencyId: agency.id } }),
    `commission on ${projectId}`,
    201,
  );
  const id = e.id as string;
  if (to === 'plan_pending') return id;
  await evaluationDocument(id, agency, 'plan');
  const deadline = Date.now() + 20_000;
  while ((await evaluationStatus(id)) !== 'plan_submitted') {
    if (Date.now() > deadline) throw new Error(`evaluation ${id}: the plan did not arrive`);
    await new Promise((r) => setTimeout(r, 100));
  }
  if (to === 'plan_submitted') return id;
  must(
    await api(`/v1/evaluations/${id}/plan-review`, { token: finance, body: { decision: 'approve' } }),
    `plan review of ${id}`,
  );
  if (to === 'plan_approved') return id;
  const report = await evaluationDocument(id, agency, 'report');
  must(
    await api(`/v1/evaluations/${id}/report`, {
      token: agency.bearer,
      body: { documentId: report, score: 85, grade: 'good', findings: [] },
    }),
    `report of ${id}`,
    201,
  );
  if (to === 'report_submitted') return id;
  must(
    await api(`/v1/evaluations/${id}/report-review`, { token: finance, body: { decision: 'approve' } }),
    `report review of ${id}`,
  );
  return id;
}

/** A received report document ready to be submitted with `POST /v1/evaluations/{id}/report`. */
export const reportBody = (documentId: string) => ({ documentId, score: 85, grade: 'good', findings: [] });

/** The rating scores of a full mark in every item. */
export const ratingScores = { expertise: 15, stability: 14, diligence: 18, accuracy: 22.5, conclusions: 20 };

/** Runs `fn` over `items` with at most `n` at once, keeping the order of the results. */
export async function pool<const T extends readonly unknown[], R>(
  items: T,
  n: number,
  fn: (t: T[number], i: number) => Promise<R>,
): Promise<{ -readonly [K in keyof T]: R }> {
  const out = new Array(items.length) as { -readonly [K in keyof T]: R };
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      for (;;) {
        const i = next++;
        if (i >= items.length) return;
        out[i] = await fn(items[i], i);
      }
    }),
  );
  return out;
}
