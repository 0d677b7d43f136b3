import { describe, expect, it } from 'vitest';
import { allRoutes } from '../../functions/http/registry.js';
import { openApiDocument } from '../../shared/http/openapi.js';

type Json = Record<string, unknown>;
interface Operation {
  security: unknown[];
  'x-roles'?: unknown;
  parameters?: { name: string; in: string; required: boolean }[];
  requestBody?: { content: { 'application/json': { schema: Json } } };
  responses: Record<string, unknown>;
}

const doc = openApiDocument(allRoutes, { title: 'Budget performance API', version: '1' });
const schemas = doc.components.schemas as Record<string, Json>;

function operation(method: string, path: string): Operation {
  const op = doc.paths[path]?.[method.toLowerCase()];
  if (!op) throw new Error(`no operation ${method} ${path}`);
  return op as Operation;
}

/** A schema itself, or the component its $ref names. */
function resolve(schema: Json): Json {
  const ref = schema.$ref;
  if (typeof ref !== 'string') return schema;
  const target = schemas[ref.replace('#/components/schemas/', '')];
  if (!target) throw new Error(`unresolved ${ref}`);
  return target;
}

function refsIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refsIn);
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => (k === '$ref' && typeof v === 'string' ? [v] : refsIn(v)));
}

/**
 * The places of a schema (following references) that accept anything: an empty schema, or an object with
 * no `additionalProperties: false` (a map with a typed value schema is exact enough: its keys are ids).
 */
function loosePlaces(schema: unknown, where: string, seen = new Set<string>()): string[] {
  if (!schema || typeof schema !== 'object') return [];
  const s = schema as Json;
  if (typeof s.$ref === 'string') {
    const name = s.$ref.replace('#/components/schemas/', '');
    if (seen.has(name)) return [];
    seen.add(name);
    return loosePlaces(schemas[name], name, seen);
  }
  const meaningful = Object.keys(s).filter(
    (k) => !['description', 'examples', 'title', 'default'].includes(k),
  );
  if (meaningful.length === 0) return [`${where}: anything`];
  const out: string[] = [];
  if (s.type === 'object' || s.properties) {
    const extra = s.additionalProperties as Json | boolean | undefined;
    if (extra === undefined || (typeof extra === 'object' && Object.keys(extra).length === 0)) {
      out.push(`${where}: an open object`);
    }
    for (const [k, v] of Object.entries((s.properties ?? {}) as Json))
      out.push(...loosePlaces(v, `${where}.${k}`, seen));
    if (typeof extra === 'object') out.push(...loosePlaces(extra, `${where}.*`, seen));
  }
  if (s.items) out.push(...loosePlaces(s.items, `${where}[]`, seen));
  for (const k of ['anyOf', 'oneOf', 'allOf'] as const) {
    for (const [i, x] of ((s[k] ?? []) as unknown[]).entries())
      out.push(...loosePlaces(x, `${where}|${i}`, seen));
  }
  return out;
}

describe('openApiDocument', () => {
  it('is OpenAPI 3.1', () => {
    expect(doc.openapi).toBe('3.1.0');
  });

  it('has every declared route under paths', () => {
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );

    expect(documented.sort()).toEqual(allRoutes.map((r) => `${r.method} ${r.path}`).sort());
  });

  it('has references that all resolve to components.schemas', () => {
    const refs = refsIn(doc);

    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      expect(ref).toMatch(/^#\/components\/schemas\//);
      expect(schemas, ref).toHaveProperty([ref.replace('#/components/schemas/', '')]);
    }
  });

  it('documents a request body for every route that declares one', () => {
    for (const r of allRoutes.filter((r) => r.body)) {
      expect(operation(r.method, r.path).requestBody, `${r.method} ${r.path}`).toBeDefined();
    }
  });

  it('describes a POST body as its input: a field with a default is not required', () => {
    const body = resolve(
      operation('POST', '/v1/departments').requestBody!.content['application/json'].schema,
    );

    expect(body.required).toEqual(expect.arrayContaining(['id', 'name', 'contactEmails']));
    expect(body.required).not.toContain('locale');
    expect(body).toHaveProperty(['properties', 'locale', 'default'], 'zh-CN');
  });

  it('describes an agency body with conflictDepartmentIds optional (it defaults to [])', () => {
    const body = resolve(operation('POST', '/v1/agencies').requestBody!.content['application/json'].schema);

    expect(body.required).not.toContain('conflictDepartmentIds');
  });

  it('describes a reply as its output: the defaulted field is always there', () => {
    const ok = operation('POST', '/v1/departments').responses['201'] as {
      content: { 'application/json': { schema: Json } };
    };

    expect(resolve(ok.content['application/json'].schema).required).toContain('locale');
  });

  it('documents a creation as 201, not 200', () => {
    expect(Object.keys(operation('POST', '/v1/departments').responses)).toContain('201');
    expect(Object.keys(operation('POST', '/v1/departments').responses)).not.toContain('200');
  });

  it('secures a route with roles by the bearer token, naming its roles', () => {
    const op = operation('POST', '/v1/departments');

    expect(op.security).toEqual([{ bearer: [] }]);
    expect(op['x-roles']).toEqual(['finance']);
  });

  it('marks every secured route with the bearer scheme and every public one with none', () => {
    for (const r of allRoutes) {
      const expected = r.roles === 'public' ? [] : [{ bearer: [] }];
      expect(operation(r.method, r.path).security, `${r.method} ${r.path}`).toEqual(expected);
    }
  });

  it('leaves public routes open', () => {
    expect(operation('GET', '/health').security).toEqual([]);
  });

  it('declares the bearer scheme it refers to', () => {
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('offers the Idempotency-Key header on a secured POST', () => {
    expect(operation('POST', '/v1/departments').parameters).toContainEqual(
      expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: false }),
    );
  });

  it('documents path parameters as required', () => {
    expect(operation('GET', '/v1/departments/{id}').parameters).toContainEqual(
      expect.objectContaining({ name: 'id', in: 'path', required: true }),
    );
  });

  it('answers errors with the Problem schema', () => {
    const conflict = operation('POST', '/v1/departments').responses['409'];

    expect(conflict).toHaveProperty(
      ['content', 'application/problem+json', 'schema', '$ref'],
      '#/components/schemas/Problem',
    );
  });

  it('names every field of every JSON response (no open objects, no schema that accepts anything)', () => {
    // The document itself follows the OpenAPI specification's schema; an audit record keeps any entity.
    const allowed = new Set([
      'GET /openapi.json 200: : an open object',
      'GET /openapi.json 200: .*: anything',
      'GET /v1/audit 200: AuditRecord.before: anything',
      'GET /v1/audit 200: AuditRecord.after: anything',
      'GET /v1/projects/{id}/dossier 200: DossierAuditEntry.before: anything',
      'GET /v1/projects/{id}/dossier 200: DossierAuditEntry.after: anything',
      'GET /v1/projects/{id}/dossier/audit 200: DossierAuditEntry.before: anything',
      'GET /v1/projects/{id}/dossier/audit 200: DossierAuditEntry.after: anything',
    ]);
    const loose: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops as Record<string, Operation>)) {
        for (const [status, response] of Object.entries(op.responses)) {
          const content = (response as { content?: Record<string, { schema?: Json }> }).content ?? {};
          for (const [type, media] of Object.entries(content)) {
            if (!/json$/.test(type)) continue;
            expect(media.schema, `${method} ${path} ${status}`).toBeDefined();
            for (const place of loosePlaces(media.schema, '')) {
              const line = `${method.toUpperCase()} ${path} ${status}: ${place}`;
              if (!allowed.has(line)) loose.push(line);
            }
          }
        }
      }
    }

    expect(loose).toEqual([]);
  });

  it('documents the other statuses a handler answers (a replayed voucher → 200) with the success body', () => {
    const post = operation('POST', '/v1/projects/{id}/expenditures').responses as Record<string, Json>;

    expect(Object.keys(post)).toEqual(expect.arrayContaining(['201', '200']));
    expect(post['200']!.content).toEqual(post['201']!.content);
  });

  it('documents If-Match and 412 on a change of an existing resource, not on a creation', () => {
    const review = operation('POST', '/v1/projects/{id}/goal-review');
    const create = operation('POST', '/v1/projects');

    expect(review.parameters).toContainEqual(expect.objectContaining({ name: 'If-Match', in: 'header' }));
    expect(Object.keys(review.responses)).toContain('412');
    expect(create.parameters?.map((p) => p.name)).not.toContain('If-Match');
    expect(Object.keys(create.responses)).not.toContain('412');
  });

  it('documents each content type a non-JSON route answers with', () => {
    const asset = operation('GET', '/docs/{asset}').responses['200'] as { content: Json };

    expect(Object.keys(asset.content).sort()).toEqual(['text/css', 'text/javascript']);
  });

  it('describes every tag its operations use, in the document’s tag list', () => {
    const used = new Set(allRoutes.flatMap((r) => r.tags));
    const listed = doc.tags;

    expect(listed.map((t) => t.name).sort()).toEqual([...used].sort());
    for (const t of listed) expect(t.description, t.name).not.toBe(t.name);
  });
});
