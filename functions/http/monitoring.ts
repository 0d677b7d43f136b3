import { z } from 'zod';
import { assertOwnDepartment } from '../../shared/domain/actor.js';
import { NotFound } from '../../shared/domain/errors.js';
import { expenditureInput, expenditureView } from '../../shared/domain/expenditure.js';
import { fenToYuan } from '../../shared/domain/money.js';
import { createApiHandler } from '../../shared/http/api-handler.js';
import { Reply, type Request, route } from '../../shared/http/route.js';
import { idParams, pageOf, pageQuery } from '../../shared/http/schemas.js';
import { listExpenditures, recordExpenditure } from '../../shared/store/expenditures.js';
import { projects } from '../../shared/store/projects.js';

/** Execution and monitoring: expenditures, monitoring reports, sweeps, lights, rectifications, clawbacks. */
const area = 'monitoring' as const;
const changeContext = (req: Request) => ({ actor: req.actor, now: req.now, requestId: req.requestId });

async function loadProject(req: Request<{ id: string }>) {
  const p = await projects.get(req.deps.db, req.params.id);
  if (!p) throw new NotFound(`Project ${req.params.id}`);
  assertOwnDepartment(req.actor, p.departmentId, `Project ${req.params.id}`);
  return p;
}

const expenditure = z
  .object({ projectId: z.string(), voucherNo: z.string(), date: z.string(), amount: z.number() })
  .meta({ id: 'Expenditure' });

export const routes = [
  route({
    area,
    method: 'POST',
    path: '/v1/projects/{id}/expenditures',
    roles: ['department', 'finance'],
    tags: ['Execution'],
    summary: 'Record an expenditure (idempotent by voucher number)',
    description:
      'The same voucherNo and body again → 200 and nothing new; the same voucherNo with another body → 409. ' +
      'A date outside the fiscal year or after today, or spend above the current budget → 422.',
    params: idParams,
    body: expenditureInput,
    response: expenditure,
    status: 201,
    async handle(req) {
      const project = await loadProject(req);
      const out = await recordExpenditure(req.deps.db, changeContext(req), project.id, req.body, project);
      const body = { ...expenditureView(out.expenditure), cumulativeAmount: fenToYuan(out.project.spentFen) };
      return out.outcome === 'known' ? new Reply(200, body) : body;
    },
  }),
  route({
    area,
    method: 'GET',
    path: '/v1/projects/{id}/expenditures',
    roles: ['department', 'finance'],
    tags: ['Execution'],
    summary: 'A project’s expenditures (by voucher number), with the cumulative amount',
    params: idParams,
    query: pageQuery,
    response: pageOf(expenditure).extend({ cumulativeAmount: z.number() }),
    async handle(req) {
      const project = await loadProject(req);
      const page = await listExpenditures(req.deps.db, project.id, req.query);
      return { items: page.items.map(expenditureView), nextToken: page.nextToken, cumulativeAmount: fenToYuan(project.spentFen) };
    },
  }),
];

export const handler = createApiHandler(routes);
