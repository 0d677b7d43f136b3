import { type Actor, type Role, roles } from '../domain/actor.js';
import { Forbidden, Unauthorized } from '../domain/errors.js';

/**
 * The claims of a Cognito ID token, as API Gateway's JWT authorizer hands them over (and as the local
 * gateway does): `cognito:groups` names the role; `custom:departmentId` / `custom:agencyId` the tenant.
 * API Gateway flattens array claims into strings like "[finance department]", so both shapes are read.
 */
export const claimNames = {
  groups: 'cognito:groups',
  departmentId: 'custom:departmentId',
  agencyId: 'custom:agencyId',
} as const;

export type Claims = Record<string, string | number | boolean | string[] | undefined>;

function groupsOf(value: Claims[string]): string[] {
  if (Array.isArray(value)) return value;
  if (typeof value !== 'string') return [];
  return value
    .replace(/^\[|\]$/g, '')
    .split(/[\s,]+/)
    .filter(Boolean);
}

export function actorFromClaims(claims: Claims | undefined): Actor {
  if (!claims?.sub) throw new Unauthorized();
  const groups = groupsOf(claims[claimNames.groups]);
  const role = roles.find((r) => groups.includes(r));
  if (!role) throw new Forbidden('Your account is in none of the groups finance, department or evaluator');
  const actor: Actor = { sub: String(claims.sub), role };
  if (typeof claims.email === 'string') actor.email = claims.email;
  const departmentId = claims[claimNames.departmentId];
  const agencyId = claims[claimNames.agencyId];
  if (role === 'department') {
    if (typeof departmentId !== 'string' || !departmentId) {
      throw new Forbidden('A department account must carry its department id (custom:departmentId)');
    }
    actor.departmentId = departmentId;
  }
  if (role === 'evaluator') {
    if (typeof agencyId !== 'string' || !agencyId) {
      throw new Forbidden('An evaluator account must carry its agency id (custom:agencyId)');
    }
    actor.agencyId = agencyId;
  }
  return actor;
}

export function assertRole(actor: Actor, allowed: readonly Role[]): void {
  if (!allowed.includes(actor.role)) {
    throw new Forbidden(`The role ${actor.role} may not call this route (allowed: ${allowed.join(', ')})`);
  }
}
