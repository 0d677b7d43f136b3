import type * as z from 'zod';
import type { Deps } from '../deps.js';
import type { Actor, Role } from '../domain/actor.js';

/**
 * One declaration per route: method, path, roles, schemas and handler. The CDK stack (one Lambda per
 * area, one API Gateway route each), the local gateway and the OpenAPI document are all derived from
 * these declarations.
 */
export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
export const areas = [
  'meta',
  'reference',
  'projects',
  'monitoring',
  'documents',
  'imports',
  'reports',
  'evaluation',
  'evaluations',
] as const;
export type Area = (typeof areas)[number];

export interface Request<P = unknown, Q = unknown, B = unknown> {
  actor: Actor;
  params: P;
  query: Q;
  body: B;
  headers: Record<string, string | undefined>;
  /** The version named by `If-Match`, when given. */
  ifMatch?: number;
  requestId: string;
  /** The moment of the request; domain code never reads the clock itself. */
  now: Date;
  deps: Deps;
}

/** A reply other than the route's default status and JSON body. */
export class Reply {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {}
}

/** A reply of another status with a body of its own. */
export interface OtherReply {
  description: string;
  schema: z.ZodType;
  headers?: Record<string, { description: string; schema: { type: 'string' } }>;
}

export interface RouteDef<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
  R extends z.ZodType = z.ZodType,
> {
  area: Area;
  method: Method;
  /** API Gateway style: `/v1/departments/{id}` */
  path: string;
  /** Who may call it; `public` needs no token. */
  roles: readonly Role[] | 'public';
  summary: string;
  description?: string;
  tags: string[];
  params?: P;
  query?: Q;
  body?: B;
  /** The success body (documents the reply; OpenAPI uses it). */
  response?: R;
  /** Status of a success (201 for a creation). */
  status?: 200 | 201;
  /** Declared for non-JSON routes (the docs page): the content type(s) of the reply. */
  produces?: string | readonly string[];
  /**
   * Other statuses the handler answers with a `Reply`: what each means. The body is the success body
   * (`response`, or `produces`) — e.g. 200 for a replayed creation — unless a schema of its own is given
   * (202 for work still under way: its progress, and where to follow it).
   */
  also?: Readonly<Record<number, string | OtherReply>>;
  /** Problems the route answers beyond those every route of its kind documents: status → what it means. */
  problems?: Readonly<Record<number, string>>;
  handle(req: Request<z.infer<P>, z.infer<Q>, z.infer<B>>): Promise<z.infer<R> | Reply>;
}

/** Declares a route with its types inferred from its schemas. */
export function route<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, R extends z.ZodType>(
  def: RouteDef<P, Q, B, R>,
): RouteDef {
  return def as unknown as RouteDef;
}

/** Who changes what, when: what every audited write of a request needs. */
export const changeContext = (req: Request) => ({ actor: req.actor, now: req.now, requestId: req.requestId });

export const routeKey = (r: { method: string; path: string }) => `${r.method} ${r.path}`;
