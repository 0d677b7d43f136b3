import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from 'jose';
import type { Role } from '../../shared/domain/actor.js';
import { claimNames } from '../../shared/http/auth.js';
import { listen, portOf } from './ports.js';

/**
 * The local identity provider: stands in for Cognito. It keeps one RS256 key pair under the data folder
 * (so tokens survive restarts), serves the OpenID discovery document and the JWKS the gateway verifies
 * against, and signs tokens with the claims of a Cognito ID token, so handlers read one shape of claims
 * wherever they run.
 */
export const LOCAL_AUDIENCE = 'budget-performance-local-client';
const KID = 'local-1';

interface KeyFile {
  privateJwk: JWK;
  publicJwk: JWK;
}

export async function loadOrCreateKeys(dataDir: string): Promise<KeyFile> {
  const file = path.join(dataDir, 'idp', 'signing-key.json');
  try {
    return JSON.parse(await readFile(file, 'utf8')) as KeyFile;
  } catch {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    const keys: KeyFile = {
      privateJwk: { ...(await exportJWK(privateKey)), kid: KID, alg: 'RS256' },
      publicJwk: { ...(await exportJWK(publicKey)), kid: KID, alg: 'RS256', use: 'sig' },
    };
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, JSON.stringify(keys), { mode: 0o600 });
    return keys;
  }
}

export interface TokenRequest {
  role: Role;
  departmentId?: string;
  agencyId?: string;
  email?: string;
  sub?: string;
  expiresIn?: string;
}

export async function signToken(keys: KeyFile, issuer: string, req: TokenRequest): Promise<string> {
  const tenant = req.departmentId ?? req.agencyId ?? 'bureau';
  const sub = req.sub ?? `local-${req.role}-${tenant}`.toLowerCase();
  const claims: Record<string, unknown> = {
    token_use: 'id',
    'cognito:username': sub,
    [claimNames.groups]: [req.role],
    email: req.email ?? `${sub}@example.gov.cn`,
  };
  if (req.departmentId) claims[claimNames.departmentId] = req.departmentId;
  if (req.agencyId) claims[claimNames.agencyId] = req.agencyId;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: KID, typ: 'JWT' })
    .setIssuer(issuer)
    .setAudience(LOCAL_AUDIENCE)
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime(req.expiresIn ?? '8h')
    .sign(await importJWK(keys.privateJwk, 'RS256'));
}

/**
 * The issuer of a data folder's tokens: the identity provider's URL at its first start, kept in
 * `idp/issuer` — so tokens stay valid across restarts, also when the provider gets another port
 * (`IDP_PORT=0`). A restart on port 0 first asks for the issuer's own port again.
 */
async function persistedIssuer(dataDir: string): Promise<string | undefined> {
  try {
    return (await readFile(path.join(dataDir, 'idp', 'issuer'), 'utf8')).trim() || undefined;
  } catch {
    return undefined;
  }
}

function portOfUrl(url: string | undefined, host: string): number | undefined {
  if (!url) return undefined;
  try {
    const u = new URL(url);
    return u.hostname === host && u.port ? Number(u.port) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Serves `/.well-known/openid-configuration` (naming the data folder's issuer and this server's JWKS) and
 * `/.well-known/jwks.json`.
 */
export async function startIdpServer(
  keys: KeyFile,
  host: string,
  port: number,
  dataDir: string,
): Promise<{ server: Server; issuer: string; url: string; jwksUri: string }> {
  let issuer = '';
  let url = '';
  const server = createServer((req, res) => {
    const send = (body: unknown) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.url === '/.well-known/jwks.json') return send({ keys: [keys.publicJwk] });
    if (req.url === '/.well-known/openid-configuration') {
      return send({
        issuer,
        jwks_uri: `${url}/.well-known/jwks.json`,
        id_token_signing_alg_values_supported: ['RS256'],
      });
    }
    res.writeHead(404).end();
  });
  const kept = await persistedIssuer(dataDir);
  const again = port === 0 ? portOfUrl(kept, host) : undefined;
  let listening: Server | undefined;
  if (again) {
    listening = await listen(server, host, again, 'identity provider').catch(() => undefined);
  }
  listening ??= await listen(server, host, port, 'identity provider');
  url = `http://${host}:${portOf(listening)}`;
  issuer = kept ?? url;
  if (!kept) {
    await mkdir(path.join(dataDir, 'idp'), { recursive: true });
    await writeFile(path.join(dataDir, 'idp', 'issuer'), `${issuer}\n`);
  }
  return { server, issuer, url, jwksUri: `${url}/.well-known/jwks.json` };
}
