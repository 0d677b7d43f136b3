// A portal's client, generated as a new user would (openapi-typescript → test/e2e/client/api.d.ts, used with
// openapi-fetch), walks the project flow against the running system: create → goals → submit → review →
// budget → expenditure → read. No casts: tsc checks every request and reads every reply through the
// document's types, and each reply also passes the e2e contract check (status, content type, schema).
import createClient from 'openapi-fetch';
import { beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import type { components, paths } from './client/api.js';
import { checkReply, createDepartment, financeToken, runtime, token, uniqueId } from './support.js';
import { SYSTEM_TODAY } from './today.js';

type Project = components['schemas']['Project'];

/** openapi-fetch's fetch, with every reply held to the document as api() holds it. */
async function checkedFetch(request: Request): Promise<Response> {
  const res = await fetch(request);
  const text = await res.clone().text();
  const isJson = /^application\/([a-z.+-]*\+)?json/i.test(res.headers.get('content-type') ?? '');
  await checkReply(request.method, new URL(request.url).pathname, {
    status: res.status,
    headers: res.headers,
    json: isJson && text ? JSON.parse(text) : undefined,
    text,
  });
  return res;
}

const client = (bearer: string) =>
  createClient<paths>({
    baseUrl: runtime().api,
    headers: { authorization: `Bearer ${bearer}` },
    fetch: checkedFetch,
  });

let bureau: ReturnType<typeof client>;
let department: ReturnType<typeof client>;

beforeAll(async () => {
  const dept = await createDepartment(uniqueId('TW'));
  bureau = client(await financeToken());
  department = client(await token({ role: 'department', departmentId: dept.id }));
});

describe('a generated client (openapi-typescript + openapi-fetch)', () => {
  it('walks a project from its proposal to a recorded expenditure, typed end to end', async () => {
    const templates = await department.GET('/v1/indicator-templates', {
      params: { query: { category: 'education' } },
    });
    const indicators = templates.data?.goalSet?.indicators ?? [];
    expect(indicators.length).toBeGreaterThan(0);

    const created = await department.POST('/v1/projects', {
      body: {
        fiscalYear: 2026,
        name: '校舍维修（类型化客户端）',
        kind: 'project',
        isNew: false,
        requestedAmount: 1_200_000.5,
        category: 'education',
      },
    });
    expect(created.response.status, JSON.stringify(created.error)).toBe(201);
    const id = created.data?.id ?? '';
    expectTypeOf(created.data).toEqualTypeOf<Project | undefined>();
    expect(created.data?.status).toBe('draft');

    const goals = await department.PUT('/v1/projects/{id}/goals', {
      params: { path: { id } },
      body: { overallGoal: '完成校舍维修，保障教学安全', indicators },
    });
    expect(goals.data?.goals?.indicators.length).toBe(indicators.length);

    const submitted = await department.POST('/v1/projects/{id}/submit', { params: { path: { id } } });
    expect(submitted.data?.status).toBe('under_review');

    const reviewed = await bureau.POST('/v1/projects/{id}/goal-review', {
      params: { path: { id } },
      body: { grade: 'good' },
    });
    expect(reviewed.data?.status).toBe('in_library');
    expect(reviewed.data?.goalReview?.grade).toBe('good');

    const budgeted = await bureau.POST('/v1/projects/{id}/budget', {
      params: { path: { id } },
      body: { approvedAmount: 1_000_000 },
    });
    expect(budgeted.data?.status).toBe('executing');
    const approved: number | undefined = budgeted.data?.budget?.approvedAmount;
    expect(approved).toBe(1_000_000);

    const spent = await department.POST('/v1/projects/{id}/expenditures', {
      params: { path: { id } },
      body: { voucherNo: 'TW-0001', date: SYSTEM_TODAY, amount: 250_000.25, note: '首期工程款' },
    });
    expect(spent.response.status, JSON.stringify(spent.error)).toBe(201);
    const cumulative: number | undefined = spent.data?.cumulativeAmount;
    expect(cumulative).toBe(250_000.25);
    expect(spent.data?.recordedBy).toEqual(expect.any(String));

    const read = await department.GET('/v1/projects/{id}', { params: { path: { id } } });
    const project: Project | undefined = read.data;
    expect(project).toMatchObject({ id, status: 'executing', spentAmount: 250_000.25, goalsApproved: true });

    const list = await bureau.GET('/v1/projects/{id}/expenditures', { params: { path: { id }, query: {} } });
    expect(list.data?.cumulativeAmount).toBe(250_000.25);
    expect(list.data?.items.map((e) => [e.voucherNo, e.amount, e.note])).toEqual([
      ['TW-0001', 250_000.25, '首期工程款'],
    ]);
  });

  it('reads a refusal as the document’s Problem, with its type', async () => {
    const refused = await department.POST('/v1/projects', {
      body: { fiscalYear: 2026, name: '', kind: 'project', isNew: false, requestedAmount: 1 },
    });

    expect(refused.response.status).toBe(400);
    expect(refused.error?.type).toBe('/problems/validation');
    expect(refused.error?.errors?.map((e) => e.path)).toContain('name');
  });
});
