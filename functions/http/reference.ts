import * as z from 'zod';
import { promoteTemplate, yearLibrary } from '../../shared/app/indicator-templates.js';
import { assertDepartmentsExist, updateAgency, updateDepartment } from '../../shared/app/reference-data.js';
import { businessDate, yearOf } from '../../shared/domain/calendar.js';
import { checkRuleValues, ruleValuesSchema } from '../../shared/domain/config.js';
import { NotFound, RuleViolation } from '../../shared/domain/errors.js';
import { indicatorLibrary } from '../../shared/domain/indicator-library.js';
import { indicatorInput } from '../../shared/domain/indicators.js';
import { templateInput, templateView } from '../../shared/domain/library-usage.js';
import { categories } from '../../shared/domain/project.js';
import {
  agency,
  agencyInput,
  agencyUpdate,
  department,
  departmentInput,
  departmentUpdate,
} from '../../shared/domain/reference.js';
import { createApiHandler } from '../../shared/http/api-handler.js';
import { route } from '../../shared/http/route.js';
import { fiscalYear, idParams, pageOf, pageQuery } from '../../shared/http/schemas.js';
import { auditRecordSchema, listAudit } from '../../shared/store/audit.js';
import {
  configVersion,
  currentConfig,
  listConfigVersions,
  newConfigVersion,
  ruleConfigSchema,
  saveConfigActions,
} from '../../shared/store/config.js';
import { checkIfMatch } from '../../shared/store/entity-store.js';
import { agencies, departments } from '../../shared/store/reference.js';

/** Reference data: departments, agencies, the rule configuration, and the audit trail. */
const area = 'reference' as const;

async function mustExist<T>(found: Promise<T | undefined>, what: string): Promise<T> {
  const value = await found;
  if (value === undefined) throw new NotFound(what);
  return value;
}

export const routes = [
  route({
    area,
    method: 'POST',
    path: '/v1/departments',
    roles: ['finance'],
    tags: ['Reference data'],
    summary: 'Register a budget department (预算部门)',
    body: departmentInput,
    response: department,
    status: 201,
    async handle({ body, actor, now, requestId, deps }) {
      const at = now.toISOString();
      const created = { ...body, version: 1, createdAt: at, updatedAt: at };
      await deps.db.write(departments.createActions(created, { actor, now, requestId }));
      return created;
    },
  }),
  route({
    area,
    method: 'GET',
    path: '/v1/departments',
    roles: ['finance', 'department'],
    tags: ['Reference data'],
    summary: 'List departments (a department sees only itself)',
    query: pageQuery,
    response: pageOf(department),
    async handle({ query, actor, deps }) {
      if (actor.role === 'department') {
        const own = await departments.get(deps.db, actor.departmentId!);
        return { items: own ? [own] : [] };
      }
      return departments.list(deps.db, query);
    },
  }),
  route({
    area,
    method: 'GET',
    path: '/v1/departments/{id}',
    roles: ['finance', 'department'],
    tags: ['Reference data'],
    summary: 'One department',
    params: idParams,
    response: department,
    async handle({ params, actor, deps }) {
      if (actor.role === 'department' && actor.departmentId !== params.id)
        throw new NotFound(`Department ${params.id}`);
      return mustExist(departments.get(deps.db, params.id), `Department ${params.id}`);
    },
  }),
  route({
    area,
    method: 'PUT',
    path: '/v1/departments/{id}',
    roles: ['finance'],
    tags: ['Reference data'],
    summary: 'Change a department’s name, contacts or report language (If-Match: its version)',
    params: idParams,
    body: departmentUpdate,
    response: department,
    handle: ({ params, body, ifMatch, actor, now, requestId, deps }) =>
      updateDepartment(deps, { actor, now, requestId, ifMatch }, params.id, body),
  }),
  route({
    area,
    method: 'POST',
    path: '/v1/agencies',
    roles: ['finance'],
    tags: ['Reference data'],
    summary: 'Register a third-party evaluation agency (第三方机构) with its declared conflicts',
    body: agencyInput,
    response: agency,
    status: 201,
    async handle({ body, actor, now, requestId, deps }) {
      await assertDepartmentsExist(deps.db, body.conflictDepartmentIds, 'conflictDepartmentIds');
      const at = now.toISOString();
      const created = { ...body, version: 1, createdAt: at, updatedAt: at };
      await deps.db.write(agencies.createActions(created, { actor, now, requestId }));
      return created;
    },
  }),
  route({
    area,
    method: 'GET',
    path: '/v1/agencies',
    roles: ['finance'],
    tags: ['Reference data'],
    summary: 'List agencies',
    query: pageQuery,
    response: pageOf(agency),
    handle: ({ query, deps }) => agencies.list(deps.db, query),
  }),
  route({
    area,
    method: 'GET',
    path: '/v1/agencies/{id}',
    roles: ['finance', 'evaluator'],
    tags: ['Reference data'],
    summary: 'One agency (an evaluator sees only its own)',
    params: idParams,
    response: agency,
    async handle({ params, actor, deps }) {
      if (actor.role === 'evaluator' && actor.agencyId !== params.id)
        throw new NotFound(`Agency ${params.id}`);
      return mustExist(agencies.get(deps.db, params.id), `Agency ${params.id}`);
    },
  }),
  route({
    area,
    method: 'PUT',
    path: '/v1/agencies/{id}',
    roles: ['finance'],
    tags: ['Reference data'],
    summary: 'Change an agency’s name, contacts or conflicts (If-Match: its version)',
    params: idParams,
    body: agencyUpdate,
    response: agency,
    handle: ({ params, body, ifMatch, actor, now, requestId, deps }) =>
      updateAgency(deps, { actor, now, requestId, ifMatch }, params.id, body),
  }),
  route({
    area,
    method: 'GET',
    path: '/v1/config/{fiscalYear}',
    roles: ['finance', 'department', 'evaluator'],
    tags: ['Rules'],
    summary: 'The rules in force for a fiscal year (the defaults of domain.md until the bureau changes them)',
    description: 'With `?version=N`, that earlier version.',
    params: z.strictObject({ fiscalYear }),
    query: z.strictObject({ version: z.coerce.number().int().min(1).max(1_000_000).optional() }),
    response: ruleConfigSchema,
    async handle({ params, query, deps }) {
      if (query.version === undefined) return currentConfig(deps.db, params.fiscalYear);
      return mustExist(
        configVersion(deps.db, params.fiscalYear, query.version),
        `Version ${query.version} of the ${params.fiscalYear} configuration`,
      );
    },
  }),
  route({
    area,
    method: 'GET',
    path: '/v1/config/{fiscalYear}/versions',
    roles: ['finance'],
    tags: ['Rules'],
    summary: 'Every saved version of a fiscal year’s rules, newest first',
    params: z.strictObject({ fiscalYear }),
    query: pageQuery,
    response: pageOf(ruleConfigSchema),
    handle: ({ params, query, deps }) => listConfigVersions(deps.db, params.fiscalYear, query),
  }),
  route({
    area,
    method: 'PUT',
    path: '/v1/config/{fiscalYear}',
    roles: ['finance'],
    tags: ['Rules'],
    summary: 'Change the rules: makes a new version (If-Match: the version it is based on)',
    params: z.strictObject({ fiscalYear }),
    body: ruleValuesSchema,
    response: ruleConfigSchema,
    async handle({ params, body, ifMatch, actor, now, requestId, deps }) {
      const previous = await currentConfig(deps.db, params.fiscalYear);
      checkIfMatch(previous, ifMatch, `The ${params.fiscalYear} configuration`);
      const errors = checkRuleValues(body);
      if (errors.length) throw new RuleViolation('The rules are not consistent', errors);
      const next = newConfigVersion(previous, body, { actor, now, requestId });
      await deps.db.write(saveConfigActions(previous, next, { actor, now, requestId }));
      return next;
    },
  }),
  route({
    area,
    method: 'GET',
    path: '/v1/indicator-templates',
    roles: ['finance', 'department', 'evaluator'],
    tags: ['Reference data'],
    summary:
      'The indicator library (指标库) of a fiscal year, with how each template was used (指标引用情况)',
    description:
      'Each category’s built-in templates form a complete goal set under the default points; with `?category=` ' +
      'the reply also carries `goalSet.indicators` (the built-in set), ready to adapt and PUT as a project’s goals. ' +
      'The library of a fiscal year (default: the current one) is the built-ins and the indicators taken into it ' +
      'for that year or an earlier one. `usage` gives, per fiscal year up to that one, the projects whose approved ' +
      'goal set uses the template (an indicator of the same name), and for the reviewed ones the indicator’s light ' +
      'at the year’s last checkpoint and its reviewed score — counters kept in the transactions of the approval ' +
      'and the review. The light is read when the self-evaluation is reviewed, from the record as it stands: from ' +
      'the latest monitoring report of a period up to the last checkpoint (however late it was filed), by the ' +
      'sweep’s rules with that day’s time progress; for a project with no such report (never monitored, e.g. ' +
      'entered after its year) from the self-evaluation’s year-end figures against the whole target, same bands ' +
      '(`yearEndLights` counts these); `none` when neither gives one. `greenOrBlueShare` is green + blue over the ' +
      'lit ones.',
    query: z.strictObject({ category: z.enum(categories).optional(), fiscalYear: fiscalYear.optional() }),
    response: z.object({
      fiscalYear: z.int(),
      items: z.array(templateView),
      goalSet: z.object({ indicators: z.array(indicatorInput) }).optional(),
    }),
    async handle({ query, deps, now }) {
      const year = query.fiscalYear ?? yearOf(businessDate(now));
      const items = await yearLibrary(deps, { fiscalYear: year, category: query.category });
      return query.category
        ? { fiscalYear: year, items, goalSet: { indicators: indicatorLibrary[query.category].indicators } }
        : { fiscalYear: year, items };
    },
  }),
  route({
    area,
    method: 'POST',
    path: '/v1/indicator-templates',
    roles: ['finance'],
    tags: ['Reference data'],
    summary:
      'Take an indicator into the library (纳入指标库) from a fiscal year on: from a project or from scratch',
    description:
      '`from` names an indicator of a project’s approved goal set (its category by default), or `indicator` ' +
      'gives one from scratch with its `category`. It must be lint-clean (the goal lint’s rules on one ' +
      'indicator: no error and no warning, else 422 per field) and its name new to the library (else 409). ' +
      'It is in the library of `fiscalYear` and later years; earlier years’ libraries stay as they were. Audited.',
    body: templateInput,
    response: templateView,
    status: 201,
    handle: ({ body, actor, now, requestId, deps }) => promoteTemplate(deps, { actor, now, requestId }, body),
  }),
  route({
    area,
    method: 'GET',
    path: '/v1/audit',
    roles: ['finance'],
    tags: ['Audit'],
    summary: 'The audit records of one entity, oldest first',
    description:
      'Ids are unique within an entity type; `entityType` (department, agency, project, …) narrows the trail.',
    query: pageQuery.extend({
      entityId: z.string().min(1).max(128),
      entityType: z.string().max(40).optional(),
    }),
    response: pageOf(auditRecordSchema),
    handle: ({ query, deps }) => listAudit(deps.db, query.entityId, query),
  }),
];

export const handler = createApiHandler(routes);
