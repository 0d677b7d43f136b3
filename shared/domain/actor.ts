import * as z from 'zod';
import { NotFound } from './errors.js';

export const roles = ['finance', 'department', 'evaluator'] as const;
export type Role = (typeof roles)[number];

/** Who is calling, from the verified token only (never from a body). */
export interface Actor {
  sub: string;
  role: Role;
  departmentId?: string;
  agencyId?: string;
  email?: string;
}

export const actorSchema = z.object({
  sub: z.string(),
  role: z.enum(roles),
  departmentId: z.string().optional(),
  agencyId: z.string().optional(),
});

/**
 * Tenant rule: a department sees only its own records, an agency only its own. Another tenant's
 * record is reported as missing, so its existence is never revealed.
 */
export function assertOwnDepartment(actor: Actor, departmentId: string, what: string): void {
  if (actor.role === 'department' && actor.departmentId !== departmentId) throw new NotFound(what);
}

export function assertOwnAgency(actor: Actor, agencyId: string, what: string): void {
  if (actor.role === 'evaluator' && actor.agencyId !== agencyId) throw new NotFound(what);
}
