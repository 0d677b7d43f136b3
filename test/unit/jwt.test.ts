import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';

type CryptoKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApiHandler } from '../../shared/http/api-handler.js';
import { jwtVerifier, type TokenVerifier, tokenSettingsFromEnv } from '../../shared/http/auth.js';
import { route } from '../../shared/http/route.js';
import { logger } from '../../shared/logger.js';
import type { Db } from '../../shared/store/db.js';
import { testDeps } from '../support/deps.js';

// Unit tier: the real verifier (aws-jwt-verify) against keys made here; the JWKS is served by a fetcher
// stand-in (no network), which also counts how often the JWKS is fetched (it is cached).
const ISSUER = 'http://127.0.0.1:9400';
const AUDIENCE = 'portal-client';

let signingKey: CryptoKey;
let otherKey: CryptoKey;
let jwks: { keys: JWK[] };
let fetches = 0;
let verifier: TokenVerifier;

beforeAll(async () => {
  logger.setLogLevel('SILENT');
  const pair = await generateKeyPair('RS256', { extractable: true });
  signingKey = pair.privateKey;
  otherKey = (await generateKeyPair('RS256')).privateKey;
  jwks = { keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }] };
  verifier = jwtVerifier(
    { issuer: ISSUER, audience: [AUDIENCE] },
    {
      async fetch(uri) {
        expect(uri).toBe(`${ISSUER}/.well-known/jwks.json`);
        fetches++;
        return new TextEncoder().encode(JSON.stringify(jwks)).buffer as ArrayBuffer;
      },
    },
  );
});

interface Sign {
  key?: CryptoKey;
  kid?: string;
  issuer?: string;
  audience?: string;
  expiresAt?: number;
  claims?: Record<string, unknown>;
}

function sign(opts: Sign = {}) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ token_use: 'id', 'cognito:groups': ['finance'], ...opts.claims })
    .setProtectedHeader({ alg: 'RS256', kid: opts.kid ?? 'k1' })
    .setSubject('user-1')
    .setIssuer(opts.issuer ?? ISSUER)
    .setAudience(opts.audience ?? AUDIENCE)
    .setIssuedAt(now - 60)
    .setExpirationTime(opts.expiresAt ?? now + 3600)
    .sign(opts.key ?? signingKey);
}

const routes = [
  route({
    area: 'reference',
    method: 'GET',
    path: '/t/me',
    roles: ['finance'],
    tags: ['test'],
    summary: 'who am I',
    handle: async ({ actor }) => ({ sub: actor.sub, role: actor.role }),
  }),
];
const deps = testDeps({ db: {} as Db });
const handler = createApiHandler(routes, () => deps, { verifier: () => verifier });

function call(authorization: string | undefined, acceptLanguage?: string) {
  const headers: Record<string, string> = { host: 'api.example.cn' };
  if (authorization) headers.authorization = authorization;
  if (acceptLanguage) headers['accept-language'] = acceptLanguage;
  const event = {
    version: '2.0',
    routeKey: 'GET /t/me',
    rawPath: '/t/me',
    rawQueryString: '',
    headers,
    isBase64Encoded: false,
    requestContext: { requestId: 'req-1', http: { method: 'GET', path: '/t/me' } },
  } as unknown as APIGatewayProxyEventV2;
  return handler(event, { awsRequestId: 'req-1' } as Context);
}

async function expect401(res: Awaited<ReturnType<typeof call>>, detail: RegExp) {
  expect(res.statusCode).toBe(401);
  expect(res.headers?.['content-type']).toBe('application/problem+json');
  const body = JSON.parse(res.body ?? '');
  expect(body).toMatchObject({ type: '/problems/unauthorized', status: 401 });
  expect(body.detail).toMatch(detail);
}

describe('the bearer JWT, verified inside the function', () => {
  it('lets a valid ID token through with the claims it carries', async () => {
    const res = await call(`Bearer ${await sign()}`);

    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body ?? '')).toEqual({ sub: 'user-1', role: 'finance' });
  });

  it('fetches the JWKS once and then serves it from its cache', async () => {
    const before = fetches;
    await call(`Bearer ${await sign()}`);
    await call(`Bearer ${await sign()}`);

    expect(fetches - before).toBe(0);
  });

  it('answers an expired token with 401 problem+json', async () => {
    const res = await call(`Bearer ${await sign({ expiresAt: Math.floor(Date.now() / 1000) - 10 })}`, 'en');

    await expect401(res, /expired/);
  });

  describe('a verified token, remembered', () => {
    afterEach(() => vi.useRealTimers());

    it('is let through again until its exp, then answered 401 expired', async () => {
      const now = Date.now();
      const token = await sign({ expiresAt: Math.floor(now / 1000) + 120 });
      expect((await call(`Bearer ${token}`)).statusCode).toBe(200);
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(now + 60_000);
      expect((await call(`Bearer ${token}`)).statusCode).toBe(200);
      vi.setSystemTime(now + 121_000);

      await expect401(await call(`Bearer ${token}`, 'en'), /expired/);
    });

    it('is remembered by all its bytes: the same claims with another signature are refused', async () => {
      const token = await sign();
      expect((await call(`Bearer ${token}`)).statusCode).toBe(200);
      const [header, payload] = token.split('.');
      const forged = `${header}.${payload}.${(await sign({ key: otherKey })).split('.')[2]}`;

      await expect401(await call(`Bearer ${forged}`, 'en'), /not valid/);
    });
  });

  it('answers a token signed by another key (same kid) with 401 problem+json', async () => {
    await expect401(await call(`Bearer ${await sign({ key: otherKey })}`, 'en'), /not valid/);
  });

  it('answers a token of a key the issuer does not publish with 401 problem+json', async () => {
    await expect401(await call(`Bearer ${await sign({ key: otherKey, kid: 'k9' })}`, 'en'), /not valid/);
  });

  it('answers a token for another audience with 401 problem+json', async () => {
    await expect401(await call(`Bearer ${await sign({ audience: 'another-client' })}`, 'en'), /audience/);
  });

  it('answers a token of another issuer with 401 problem+json', async () => {
    await expect401(await call(`Bearer ${await sign({ issuer: 'https://evil.example' })}`, 'en'), /issuer/);
  });

  it('answers an access token (token_use: access) with 401', async () => {
    await expect401(
      await call(`Bearer ${await sign({ claims: { token_use: 'access' } })}`, 'en'),
      /not valid/,
    );
  });

  it('answers a missing or malformed Authorization header with 401, in zh-CN by default', async () => {
    for (const header of [undefined, 'Basic dXNlcjpwYXNz', 'Bearer', 'Bearer not.a.jwt']) {
      const res = await call(header);
      expect(res.statusCode).toBe(401);
      expect(JSON.parse(res.body ?? '')).toMatchObject({ type: '/problems/unauthorized', title: '未认证' });
    }
  });
});

describe('tokenSettingsFromEnv', () => {
  it('reads the issuer, the audiences and an optional JWKS URI', () => {
    expect(
      tokenSettingsFromEnv({ JWT_ISSUER: ISSUER, JWT_AUDIENCE: 'a, b', JWT_JWKS_URI: 'https://k/jwks' }),
    ).toEqual({ issuer: ISSUER, audience: ['a', 'b'], jwksUri: 'https://k/jwks' });
  });

  it('is undefined without an issuer or an audience', () => {
    expect(tokenSettingsFromEnv({ JWT_ISSUER: ISSUER })).toBeUndefined();
  });
});
