import { mkdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import path from 'node:path';
import sesModule from 'aws-ses-v2-local';
import S3rver from 's3rver';
import type { ScheduleDef } from '../../functions/jobs/schedules.js';
import { offsetToBusinessDay } from '../../shared/clock.js';
import { startDynamo } from './dynamodb.js';
import { startGateway } from './gateway.js';
import { LOCAL_AUDIENCE, loadOrCreateKeys, startIdpServer } from './idp.js';
import { keepSentMail } from './mail-store.js';
import { assertPortFree, portOf } from './ports.js';
import { removeRuntime, runningSystem, writeRuntime } from './runtime.js';
import { startScheduler } from './scheduler.js';
import { deliverStorageEvents, loadOrCreateUploadPageSecret } from './storage-events.js';
import { ensureTable, localDynamoClient } from './table.js';

/**
 * The whole system on one machine: DynamoDB (dynalite with transactions), S3 (s3rver), SES (aws-ses-v2-local),
 * the identity provider, the API gateway and the scheduler, all in this process, on real ports. The handlers
 * only learn where they run through the environment (the SDK's AWS_ENDPOINT_URL_* variables, table and
 * bucket names), exactly as in Lambda.
 */
export interface SystemOptions {
  root: string;
  dataDir: string;
  host: string;
  ports: { api: number; dynamodb: number; s3: number; ses: number; idp: number };
  log: (line: string) => void;
  logRequests?: boolean;
  /** Run as if today were this business day (shifts the clock by whole days; see shared/clock.ts). */
  localToday?: string;
}

export interface RuntimeInfo {
  api: string;
  docs: string;
  openapi: string;
  mail: string;
  dynamodb: string;
  s3: string;
  ses: string;
  idp: string;
  issuer: string;
  audience: string;
  tableCreated: boolean;
}

// A CommonJS module with an ES default export: Node's ESM loader hands over the whole exports object.
const sesServer = ((sesModule as unknown as { default?: typeof sesModule }).default ??
  sesModule) as typeof sesModule;

export const TABLE_NAME = 'budget-performance';
export const BUCKET_NAME = 'budget-performance-documents';
export const SES_FROM = 'performance@finance.example.gov.cn';

/** Locally any origin may POST and GET with a presigned link (the link is the credential). */
const LOCAL_BUCKET_CORS =
  '<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>POST</AllowedMethod>' +
  '<AllowedMethod>GET</AllowedMethod><AllowedMethod>HEAD</AllowedMethod><AllowedHeader>*</AllowedHeader>' +
  '<ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>3600</MaxAgeSeconds></CORSRule></CORSConfiguration>';

export async function startSystem(
  opts: SystemOptions,
): Promise<{ info: RuntimeInfo; stop(): Promise<void> }> {
  const { host, ports } = opts;
  const stops: (() => Promise<unknown> | unknown)[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await Promise.resolve(s()).catch(() => undefined);
  };
  try {
    // The ports the user chose, the API's first, before any server starts: a second `npm start` names the
    // port it cannot have (and the variable that moves it), not some later failure of a half-started system.
    for (const [port, what] of [
      [ports.api, 'API, PORT'],
      [ports.dynamodb, 'DynamoDB, DYNAMODB_PORT'],
      [ports.s3, 'S3, S3_PORT'],
      [ports.ses, 'SES, SES_PORT'],
      [ports.idp, 'identity provider, IDP_PORT'],
    ] as const) {
      await assertPortFree(host, port, what);
    }
    const other = await runningSystem(opts.dataDir);
    if ('runtime' in other && other.runtime.pid !== process.pid) {
      throw new Error(
        `the data folder ${opts.dataDir} is in use by a running system (pid ${other.runtime.pid}, API ${other.runtime.api}); stop it first or set another DATA_DIR`,
      );
    }
    await mkdir(opts.dataDir, { recursive: true });
    const keys = await loadOrCreateKeys(opts.dataDir);

    const dynamo = await startDynamo({
      path: path.join(opts.dataDir, 'dynamodb'),
      port: ports.dynamodb,
      host,
    });
    stops.push(() => dynamo.close());

    await assertPortFree(host, ports.s3, 'S3, S3_PORT');
    const s3 = new S3rver({
      address: host,
      port: ports.s3,
      directory: path.join(opts.dataDir, 's3'),
      silent: true,
      // The upload page's script POSTs to the bucket from the API's origin (preflighted, for its progress bar).
      configureBuckets: [{ name: BUCKET_NAME, configs: [LOCAL_BUCKET_CORS] }],
    });
    const s3Address = await s3.run();
    stops.push(() => s3.close());

    await assertPortFree(host, ports.ses, 'SES, SES_PORT');
    // Sent mail is kept in the data folder too, so the mail page shows it after a restart.
    await keepSentMail(opts.dataDir);
    const ses: Server = await sesServer({ host, port: ports.ses });
    stops.push(() => new Promise((r) => ses.close(r)));

    // The issuer is the data folder's, whatever port the provider gets: tokens stay valid across restarts.
    const idp = await startIdpServer(keys, host, ports.idp, opts.dataDir);
    stops.push(() => new Promise((r) => idp.server.close(r)));

    const urls = {
      dynamodb: dynamo.endpoint,
      s3: `http://${host}:${s3Address.port}`,
      ses: `http://${host}:${portOf(ses)}`,
    };
    if (opts.localToday) {
      const offset = offsetToBusinessDay(opts.localToday, new Date());
      process.env.CLOCK_OFFSET_MS = String(offset);
      opts.log(
        `the clock is set to ${opts.localToday} (LOCAL_TODAY): ${offset / 86_400_000} days from the real one`,
      );
    }
    Object.assign(process.env, {
      AWS_REGION: 'us-east-1',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      // s3rver knows one key pair, its own (dynalite and the SES server take any).
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      AWS_ENDPOINT_URL_DYNAMODB: urls.dynamodb,
      AWS_ENDPOINT_URL_S3: urls.s3,
      AWS_ENDPOINT_URL_SESV2: urls.ses,
      TABLE_NAME,
      BUCKET_NAME,
      SES_FROM,
      POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
      // Powertools Tracer traces nothing outside Lambda, but the X-Ray SDK it imports starts, unless told to
      // run in manual mode, an async hook on every promise and async resource of the process (cls-hooked):
      // here that is the whole system, its database included.
      AWS_XRAY_MANUAL_MODE: process.env.AWS_XRAY_MANUAL_MODE ?? 'true',
      // Signs the upload pages' links; in AWS the stack provides it.
      UPLOAD_PAGE_SECRET: await loadOrCreateUploadPageSecret(opts.dataDir),
      // The handlers verify bearer tokens themselves (aws-jwt-verify), against the local identity provider.
      JWT_ISSUER: idp.issuer,
      JWT_AUDIENCE: LOCAL_AUDIENCE,
      JWT_JWKS_URI: idp.jwksUri,
    });
    const tableCreated = (await ensureTable(localDynamoClient(urls.dynamodb), TABLE_NAME)) === 'created';

    // The sweep queue runs in this process: a sweep left with pending departments was cut by the previous
    // process; its summary says so and the next run completes it (shared/app/sweep.ts recordInterruptedWork).
    if (!tableCreated) {
      const { recordInterruptedWork } = await import('../../shared/app/sweep.js');
      const { Db } = await import('../../shared/store/db.js');
      const { now } = await import('../../shared/clock.js');
      const cut = await recordInterruptedWork({ db: new Db() }, { now: now() });
      if (cut)
        opts.log(
          `${cut} sweep department(s) not counted when the system last stopped: the next sweep completes them`,
        );
    }
    // Imported only now: handler modules read their environment when first used.
    const { apiAreas } = await import('../../functions/http/registry.js');
    const { schedules } = (await import('../../functions/jobs/schedules.js')) as { schedules: ScheduleDef[] };
    // s3rver's object-created events drive the same upload-arrived handler as S3's notifications in AWS.
    const { storageEvents } = await import('../../functions/events/registry.js');
    // Through a queue kept in the data folder: what was not finished when the system stopped is delivered again.
    const events = await deliverStorageEvents(s3, storageEvents, opts.root, opts.log, {
      dataDir: opts.dataDir,
    });
    stops.push(() => events.stop(5_000));
    const gatewayRoutes = await Promise.all(
      Object.values(apiAreas).map(async (a) => {
        const mod = await import(`../../${a.entry.replace(/\.ts$/, '.js')}`);
        return a.routes.map((route) => ({ route, handler: mod.handler }));
      }),
    );
    const gateway = await startGateway({
      routes: gatewayRoutes.flat(),
      host,
      port: ports.api,
      onRequest: opts.logRequests
        ? (r) => opts.log(`${r.method} ${r.path} → ${r.status} (${r.ms} ms)`)
        : undefined,
    });
    stops.push(() => {
      gateway.closeAllConnections();
      return new Promise((r) => gateway.close(r));
    });

    const api = `http://${host}:${portOf(gateway)}`;
    const info: RuntimeInfo = {
      api,
      docs: `${api}/docs`,
      openapi: `${api}/openapi.json`,
      mail: urls.ses,
      ...urls,
      idp: idp.url,
      issuer: idp.issuer,
      audience: LOCAL_AUDIENCE,
      tableCreated,
    };
    process.env.LOCAL_URLS = JSON.stringify({
      api,
      docs: info.docs,
      mail: info.mail,
      dynamodb: info.dynamodb,
      s3: info.s3,
      ses: info.ses,
      idp: info.idp,
    });

    const scheduler = startScheduler(schedules, opts.root, opts.log);
    stops.push(() => scheduler.stop());

    await writeRuntime(opts.dataDir, { ...info, pid: process.pid });
    // Stopped cleanly, the folder is no longer in use: the token command then refuses to sign for it.
    stops.push(() => removeRuntime(opts.dataDir));
    return { info, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
