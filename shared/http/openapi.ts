import * as z from 'zod';
import { servedAt } from './openapi-server.js';
import type { RouteDef } from './route.js';
import { problem } from './schemas.js';

/**
 * The OpenAPI 3.1 document, generated from the route declarations: the very zod schemas that validate
 * requests describe them here, so the document cannot drift from the code.
 */
type JsonSchema = Record<string, unknown>;

/** The groups of operations, in the order a reader meets them (a tag not listed here is listed after). */
const tagDescriptions: Record<string, string> = {
  Service: 'Health, this document and the readable reference',
  'Reference data': 'Departments, evaluation agencies, the indicator library (参考数据)',
  Rules: 'The configurable rules of each fiscal year, versioned (规则配置)',
  Projects: 'Intake, ex-ante assessment, goals and their review, the budget (项目库与预算)',
  Execution: 'Expenditures, one by one or as a CSV import (预算执行)',
  Monitoring: 'Monitoring reports, sweeps, lights and the report mails (绩效运行监控)',
  Rectification: 'Rectification notices, their responses and verification (整改)',
  Clawback: 'Clawback recommendations and the bureau’s decisions (收回资金)',
  Evaluation: 'Self-evaluation and its review, rankings, bulletins, results (绩效评价与结果应用)',
  'Third-party evaluation': 'Commissioned evaluations by agencies, their reviews and ratings (第三方评价)',
  Documents: 'Uploaded documents and their upload pages (文档)',
  Audit: 'Who changed what, when (审计记录)',
};

export function openApiDocument(
  routes: RouteDef[],
  info: { title: string; version: string; serverUrl?: string },
) {
  const components: Record<string, JsonSchema> = {};
  const rawComponents = new Map<string, string>();

  function toSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
    const json = z.toJSONSchema(schema, {
      io,
      unrepresentable: 'any',
      target: 'draft-2020-12',
    }) as JsonSchema;
    const { $schema: _, $defs, ...rest } = json as JsonSchema & { $defs?: Record<string, JsonSchema> };
    // Name every definition first (a clash of one id with a different shape gets `.input`/`.output`), then
    // rewrite the references of the definitions and of the schema itself.
    const renamed = new Map<string, string>();
    for (const [id, def] of Object.entries($defs ?? {})) {
      const seen = rawComponents.get(id);
      const name = seen !== undefined && seen !== JSON.stringify(def) ? `${id}.${io}` : id;
      rawComponents.set(name, JSON.stringify(def));
      renamed.set(id, name);
    }
    const rewrite = (s: JsonSchema): JsonSchema =>
      JSON.parse(
        JSON.stringify(s).replace(
          /"#\/\$defs\/([^"]+)"/g,
          (_m, id: string) => `"#/components/schemas/${renamed.get(id) ?? id}"`,
        ),
      );
    for (const [id, def] of Object.entries($defs ?? {})) components[renamed.get(id)!] = rewrite(def);
    return rewrite(rest);
  }

  const problemRef = { $ref: '#/components/schemas/Problem' };
  const errorResponse = (description: string) => ({
    description,
    content: { 'application/problem+json': { schema: problemRef } },
  });

  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const parameters: unknown[] = [];
    for (const [where, schema] of [
      ['path', r.params],
      ['query', r.query],
    ] as const) {
      if (!schema) continue;
      const json = toSchema(schema, 'input') as {
        properties?: Record<string, JsonSchema>;
        required?: string[];
      };
      for (const [name, s] of Object.entries(json.properties ?? {})) {
        parameters.push({
          name,
          in: where,
          required: where === 'path' || !!json.required?.includes(name),
          schema: s,
        });
      }
    }
    const secured = r.roles !== 'public';
    // A change of an existing resource (named in the path) honours If-Match.
    const changesExisting = r.method !== 'GET' && r.params !== undefined;
    if (changesExisting) {
      parameters.push({
        name: 'If-Match',
        in: 'header',
        required: false,
        description: 'The version the change is made on (`"3"` or `3`); another current version → 412',
        schema: { type: 'string', maxLength: 32 },
      });
    }
    const produces = typeof r.produces === 'string' ? [r.produces] : r.produces;
    const successContent = produces
      ? Object.fromEntries(produces.map((type) => [type, {}]))
      : { 'application/json': { schema: r.response ? toSchema(r.response, 'output') : {} } };
    const success = r.status ?? 200;
    const responses: Record<string, unknown> = {
      [String(success)]: { description: success === 201 ? 'Created' : 'Success', content: successContent },
      '400': errorResponse('Malformed JSON, or a body, path or query that breaks the schema'),
    };
    if (secured) {
      Object.assign(responses, {
        '401': errorResponse('No token, a bad signature, or an expired token'),
        '403': errorResponse('The role may not call this route'),
      });
    }
    if (r.params)
      responses['404'] = errorResponse('No such thing, or it belongs to another department or agency');
    if (r.method !== 'GET') {
      Object.assign(responses, {
        '409': errorResponse('The state does not allow it, or a duplicate'),
        '413': errorResponse('Body over 256 KiB'),
        '415': errorResponse('Body not application/json'),
        '422': errorResponse('Well-formed but breaks a domain rule'),
      });
      if (changesExisting) responses['412'] = errorResponse('If-Match given and the version differs');
    }
    for (const [status, description] of Object.entries(r.problems ?? {})) {
      responses[status] = errorResponse(description);
    }
    // The other replies of the handler: their body is the success body (beside any problem of that status),
    // or one of their own.
    for (const [status, other] of Object.entries(r.also ?? {})) {
      if (typeof other !== 'string') {
        responses[status] = {
          description: other.description,
          ...(other.headers ? { headers: other.headers } : {}),
          content: { 'application/json': { schema: toSchema(other.schema, 'output') } },
        };
        continue;
      }
      const known = responses[status] as { description: string; content: object } | undefined;
      responses[status] = known
        ? {
            description: `${other}; or ${known.description}`,
            content: { ...successContent, ...known.content },
          }
        : { description: other, content: successContent };
    }
    paths[r.path] ??= {};
    paths[r.path]![r.method.toLowerCase()] = {
      operationId: `${r.method.toLowerCase()}${r.path.replace(/[{}]/g, '').replace(/(^|[/-])(\w)/g, (_m, _s, c: string) => c.toUpperCase())}`,
      summary: r.summary,
      description: r.description ?? r.summary,
      tags: r.tags,
      ...(secured ? { security: [{ bearer: [] }], 'x-roles': r.roles } : { security: [] }),
      ...(parameters.length ? { parameters } : {}),
      ...(r.method === 'POST' && secured
        ? {
            parameters: [
              ...parameters,
              {
                name: 'Idempotency-Key',
                in: 'header',
                required: false,
                description: 'A retry with the same key and body returns the first reply and changes nothing',
                schema: { type: 'string', maxLength: 128 },
              },
            ],
          }
        : {}),
      ...(r.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: toSchema(r.body, 'input') } },
            },
          }
        : {}),
      responses,
    };
  }
  toSchema(problem, 'output');
  const doc = {
    openapi: '3.1.0' as const,
    info: {
      title: info.title,
      version: info.version,
      description:
        '区财政局预算绩效管理系统 API — budget performance management for a district finance bureau. ' +
        'Money is yuan with at most two decimals; dates are YYYY-MM-DD (Asia/Shanghai). Errors are application/problem+json.',
      contact: { name: '区财政局预算绩效管理 · the district finance bureau’s budget performance office' },
      license: {
        name: 'Proprietary: the district finance bureau’s; not for redistribution',
        identifier: 'LicenseRef-Proprietary',
      },
    },
    tags: [...new Set([...Object.keys(tagDescriptions), ...routes.flatMap((r) => r.tags)])]
      .filter((name) => routes.some((r) => r.tags.includes(name)))
      .map((name) => ({ name, description: tagDescriptions[name] ?? name })),
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: components,
    },
    paths,
  };
  return info.serverUrl ? servedAt(doc, info.serverUrl) : doc;
}
