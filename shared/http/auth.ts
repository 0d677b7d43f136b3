import {
  FetchError,
  JwksValidationError,
  JwtExpiredError,
  JwtInvalidAudienceError,
  JwtInvalidIssuerError,
  JwtNotBeforeError,
} from 'aws-jwt-verify/error';
import type { Fetcher } from 'aws-jwt-verify/https';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { JwtVerifier } from 'aws-jwt-verify/jwt-verifier';
import { type Actor, type Role, roles } from '../domain/actor.js';
import { Forbidden, Unauthorized } from '../domain/errors.js';

/**
 * The claims of a Cognito ID token, verified inside the function (verifiedClaims below, the first
 * middleware of the stack): `cognito:groups` names the role; `custom:departmentId` / `custom:agencyId` the
 * tenant. Array claims may also come flattened into strings like "[finance department]" (as API Gateway's
 * authorizer hands them over), so both shapes are read.
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

/** What verifies a bearer token: its claims, or an Unauthorized. */
export interface TokenVerifier {
  verify(token: string): Promise<Claims>;
}

/** Where the tokens come from: the Cognito user pool in AWS, the local identity provider locally. */
export interface TokenSettings {
  issuer: string;
  /** The app clients whose ID tokens are accepted (the `aud` claim). */
  audience: string[];
  /** Default: `<issuer>/.well-known/jwks.json` (where Cognito and the local IdP both serve it). */
  jwksUri?: string;
}

/** JWT_ISSUER, JWT_AUDIENCE (comma-separated client ids), JWT_JWKS_URI (optional): set by CDK and the local runner. */
export function tokenSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): TokenSettings | undefined {
  const issuer = env.JWT_ISSUER?.trim();
  const audience = (env.JWT_AUDIENCE ?? '')
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  if (!issuer || !audience.length) return undefined;
  return { issuer, audience, jwksUri: env.JWT_JWKS_URI?.trim() || undefined };
}

/** Fetches the JWKS with the platform's fetch (http for the local IdP, https for Cognito), bounded in time. */
export const jwksFetcher: Fetcher = {
  async fetch(uri) {
    const res = await fetch(uri, { signal: AbortSignal.timeout(5_000) });
    if (res.status !== 200) throw new Error(`JWKS at ${uri} answered ${res.status}`);
    return res.arrayBuffer();
  },
};

const MAX_TOKEN_CHARS = 8192;

/** How many verified tokens a verifier remembers (the oldest is forgotten first). */
const VERIFIED_TOKENS = 1000;

const unauthorized = (zh: string, en: string) => new Unauthorized(en, { 'zh-CN': zh, en });

/**
 * A verifier of ID tokens with aws-jwt-verify: RS256 signature against the issuer's JWKS (fetched once and
 * cached per cold start; fetched again only for an unknown `kid`), issuer, audience, expiry and
 * `token_use: id` when the token names one. Every failure is a 401 that says what was wrong.
 */
export function jwtVerifier(settings: TokenSettings, fetcher: Fetcher = jwksFetcher): TokenVerifier {
  const verifier = JwtVerifier.create(
    {
      issuer: settings.issuer,
      audience: settings.audience,
      jwksUri: settings.jwksUri ?? `${settings.issuer.replace(/\/$/, '')}/.well-known/jwks.json`,
      customJwtCheck: ({ payload }) => {
        if (payload.token_use !== undefined && payload.token_use !== 'id') {
          throw new Error('only ID tokens carry the groups and the department or agency');
        }
      },
    },
    { jwksCache: new SimpleJwksCache({ fetcher }) },
  );
  // A portal sends the same ID token with every request until it expires: its claims, once verified, are
  // remembered until its `exp` (checked again at each use), so the RS256 signature and the claim checks run
  // once per token, not once per request (≈0.2 ms of each API request, measured by `npm run bench -- api`).
  // The key is the whole token, signature included: any other bytes are verified afresh.
  const verified = new Map<string, { claims: Claims; expiresAtMs: number }>();
  return {
    async verify(token) {
      const known = verified.get(token);
      if (known && Date.now() < known.expiresAtMs) return known.claims;
      if (known) verified.delete(token);
      try {
        const claims = (await verifier.verify(token)) as unknown as Claims;
        if (typeof claims.exp === 'number') {
          if (verified.size >= VERIFIED_TOKENS) verified.delete(verified.keys().next().value!);
          verified.set(token, { claims, expiresAtMs: claims.exp * 1000 });
        }
        return claims;
      } catch (err) {
        if (err instanceof JwtExpiredError) throw unauthorized('令牌已过期', 'The token has expired');
        if (err instanceof JwtInvalidIssuerError) {
          throw unauthorized('令牌的签发方（iss）不被接受', "The token's issuer (iss) is not accepted");
        }
        if (err instanceof JwtInvalidAudienceError) {
          throw unauthorized('令牌的受众（aud）不被接受', "The token's audience (aud) is not accepted");
        }
        if (err instanceof JwtNotBeforeError)
          throw unauthorized('令牌尚未生效', 'The token is not valid yet');
        if (err instanceof FetchError || err instanceof JwksValidationError) throw err; // ours, not the caller's
        throw unauthorized('令牌无效（签名或格式）', 'The token is not valid (signature or format)');
      }
    },
  };
}

let cached: { key: string; verifier: TokenVerifier } | undefined;

/** The verifier the environment configures, made once per settings (so the JWKS cache lives as long). */
export function verifierFromEnv(env: NodeJS.ProcessEnv = process.env): TokenVerifier {
  const settings = tokenSettingsFromEnv(env);
  if (!settings) throw new Error('JWT_ISSUER and JWT_AUDIENCE must be set for routes that need a token');
  const key = JSON.stringify(settings);
  if (cached?.key !== key) cached = { key, verifier: jwtVerifier(settings) };
  return cached.verifier;
}

/** The claims of the request's bearer token, verified; a 401 when there is none or it does not verify. */
export async function verifiedClaims(
  verifier: TokenVerifier,
  authorization: string | undefined,
): Promise<Claims> {
  const token = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization ?? '')?.[1];
  if (!token) {
    throw unauthorized(
      '需要 bearer 令牌（Authorization: Bearer …）',
      'A bearer token is required (Authorization: Bearer …)',
    );
  }
  if (token.length > MAX_TOKEN_CHARS) {
    throw unauthorized('令牌无效（签名或格式）', 'The token is not valid (signature or format)');
  }
  return verifier.verify(token);
}
