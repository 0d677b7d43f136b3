import { describe, expect, it } from 'vitest';
import type { Actor } from '../../shared/domain/actor.js';
import { Forbidden, Unauthorized } from '../../shared/domain/errors.js';
import { actorFromClaims, assertRole } from '../../shared/http/auth.js';

describe('actorFromClaims', () => {
  it('reads the role from an array of groups', () => {
    expect(actorFromClaims({ sub: 'u-1', 'cognito:groups': ['finance'] })).toEqual({
      sub: 'u-1',
      role: 'finance',
    });
  });

  it('reads the role from API Gateway\'s flattened "[finance]" string', () => {
    expect(actorFromClaims({ sub: 'u-1', 'cognito:groups': '[finance]' }).role).toBe('finance');
  });

  it('reads the role from a flattened string naming several groups', () => {
    expect(
      actorFromClaims({ sub: 'u-1', 'cognito:groups': '[staff evaluator]', 'custom:agencyId': 'A-01' }).role,
    ).toBe('evaluator');
  });

  it('gives a department user its department id', () => {
    const actor = actorFromClaims({
      sub: 'u-2',
      'cognito:groups': '[department]',
      'custom:departmentId': 'D-EDU',
    });
    expect(actor).toEqual({ sub: 'u-2', role: 'department', departmentId: 'D-EDU' });
  });

  it('gives an evaluator its agency id', () => {
    const actor = actorFromClaims({ sub: 'u-3', 'cognito:groups': ['evaluator'], 'custom:agencyId': 'A-01' });
    expect(actor).toEqual({ sub: 'u-3', role: 'evaluator', agencyId: 'A-01' });
  });

  it('keeps the email claim when there is one', () => {
    expect(actorFromClaims({ sub: 'u-1', 'cognito:groups': ['finance'], email: 'f@example.cn' }).email).toBe(
      'f@example.cn',
    );
  });

  it('forbids a department user without custom:departmentId', () => {
    expect(() => actorFromClaims({ sub: 'u-2', 'cognito:groups': '[department]' })).toThrow(Forbidden);
  });

  it('forbids an evaluator without custom:agencyId', () => {
    expect(() => actorFromClaims({ sub: 'u-3', 'cognito:groups': '[evaluator]' })).toThrow(Forbidden);
  });

  it('refuses claims without a subject as unauthorized', () => {
    expect(() => actorFromClaims({ 'cognito:groups': '[finance]' })).toThrow(Unauthorized);
  });

  it('refuses missing claims as unauthorized', () => {
    expect(() => actorFromClaims(undefined)).toThrow(Unauthorized);
  });

  it('forbids a user in no known group', () => {
    expect(() => actorFromClaims({ sub: 'u-4', 'cognito:groups': '[admins]' })).toThrow(Forbidden);
  });

  it('does not take a group name that only contains a role name', () => {
    expect(() => actorFromClaims({ sub: 'u-4', 'cognito:groups': '[finance-readers]' })).toThrow(Forbidden);
  });
});

describe('assertRole', () => {
  const finance: Actor = { sub: 'u-1', role: 'finance' };

  it('lets an allowed role through', () => {
    expect(() => assertRole(finance, ['finance', 'department'])).not.toThrow();
  });

  it('forbids a role that is not allowed, naming the allowed ones', () => {
    expect(() => assertRole(finance, ['department', 'evaluator'])).toThrow(
      expect.objectContaining({ status: 403, message: expect.stringContaining('department, evaluator') }),
    );
  });
});
