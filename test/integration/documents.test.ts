// Integration tier: documents and presigned uploads against the real local servers — dynalite (with
// transactions) and s3rver, both in this process on random ports. A link is made, a file is POSTed to it
// as a browser would (multipart form), and the event s3rver emitted drives the upload-arrived handler.
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import S3rver from 's3rver';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Actor } from '../../shared/domain/actor.js';
import type { Project } from '../../shared/domain/project.js';
import type { Db } from '../../shared/store/db.js';
import { type LocalDb, startLocalDb } from './local-db.js';

const BUCKET = 'documents-test';
const department: Actor = { sub: 'user-edu', role: 'department', departmentId: 'D-EDU' };

// Set before any module that reads them is imported (the S3 client is made on first use, from the env).
Object.assign(process.env, {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'S3RVER',
  AWS_SECRET_ACCESS_KEY: 'S3RVER',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  BUCKET_NAME: BUCKET,
  UPLOAD_PAGE_SECRET: 'integration-secret',
  POWERTOOLS_LOG_LEVEL: 'ERROR',
});

type Mods = {
  uploads: typeof import('../../shared/app/uploads.js');
  storage: typeof import('../../shared/docs/storage.js');
  handlerMod: typeof import('../../functions/events/upload-arrived.js');
  documents: typeof import('../../shared/store/documents.js');
  imports: typeof import('../../shared/app/expenditure-import.js');
  importStore: typeof import('../../shared/store/expenditure-imports.js');
  projects: typeof import('../../shared/store/projects.js');
  project: typeof import('../../shared/domain/project.js');
  audit: typeof import('../../shared/store/audit.js');
  expenditures: typeof import('../../shared/store/expenditures.js');
};

let local: LocalDb;
let db: Db;
let s3: S3rver;
let s3Dir: string;
let m: Mods;
let handler: (
  event: unknown,
) => Promise<{ results: { key: string; outcome: string; importStatus?: string }[] }>;
/** Every event s3rver emitted, in order. */
const events: { Records: { eventName: string; s3: { object: { key: string } } }[] }[] = [];

beforeAll(async () => {
  local = await startLocalDb();
  s3Dir = await mkdtemp(path.join(tmpdir(), 'bp-s3-'));
  s3 = new S3rver({
    address: '127.0.0.1',
    port: 0,
    directory: s3Dir,
    silent: true,
    configureBuckets: [{ name: BUCKET }],
  });
  const { port } = await s3.run();
  s3.on('event', (e) => events.push(e));
  process.env.AWS_ENDPOINT_URL_S3 = `http://127.0.0.1:${port}`;
  m = {
    uploads: await import('../../shared/app/uploads.js'),
    storage: await import('../../shared/docs/storage.js'),
    handlerMod: await import('../../functions/events/upload-arrived.js'),
    documents: await import('../../shared/store/documents.js'),
    imports: await import('../../shared/app/expenditure-import.js'),
    importStore: await import('../../shared/store/expenditure-imports.js'),
    projects: await import('../../shared/store/projects.js'),
    project: await import('../../shared/domain/project.js'),
    audit: await import('../../shared/store/audit.js'),
    expenditures: await import('../../shared/store/expenditures.js'),
  };
  handler = m.handlerMod.createUploadArrivedHandler(() => ({
    db,
    storage: m.storage.s3Storage,
    now: () => new Date(),
  }));
});

afterAll(async () => {
  await s3?.close();
  await local?.close();
  if (s3Dir) await rm(s3Dir, { recursive: true, force: true });
});

beforeEach(async () => {
  db = await local.freshDb();
  events.length = 0;
});

const ctx = () => ({ actor: department, now: new Date(), requestId: 'req-test' });
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(3000, 0x41), Buffer.from('\n%%EOF\n')]);
const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.alloc(PDF.length - 8, 7),
]);

async function openLink(spec: { fileName: string; contentType: string; size: number; kind?: string }) {
  const { document, actions } = m.uploads.newUploadDocument(
    { purpose: 'document', kind: spec.kind ?? 'evidence', ...spec },
    ctx(),
  );
  await db.write(actions);
  return m.uploads.uploadLinkOf(document, { baseUrl: 'http://api.test' });
}

/** POSTs the file to the presigned URL as a browser form does: the fields, then the file. */
async function postForm(link: { url: string; fields: Record<string, string> }, body: Buffer, name: string) {
  const form = new FormData();
  for (const [k, v] of Object.entries(link.fields)) form.append(k, v);
  form.append('file', new Blob([body]), name);
  const before = events.length;
  const res = await fetch(link.url, { method: 'POST', body: form });
  await res.arrayBuffer();
  expect(res.status, `upload to ${link.url}`).toBeLessThan(300);
  for (let i = 0; events.length === before && i < 100; i++) await new Promise((r) => setTimeout(r, 10));
  expect(events.length).toBe(before + 1);
  return events.at(-1)!;
}

const auditCount = async (entityId: string) =>
  (await m.audit.listAudit(db, entityId, { limit: 100 })).items.length;

describe('an upload through a presigned POST', () => {
  it('is received with its real size, type and sha256', async () => {
    const link = await openLink({
      fileName: '绩效 报告.pdf',
      contentType: 'application/pdf',
      size: PDF.length,
    });
    expect(link.fields).toMatchObject({
      key: `uploads/${link.documentId}/绩效_报告.pdf`,
      'Content-Type': 'application/pdf',
    });
    expect(link.pageUrl).toMatch(
      new RegExp(`^http://api\\.test/v1/upload-pages/${link.documentId}\\.\\d+\\.`),
    );

    const event = await postForm(link, PDF, 'report.pdf');
    const out = await handler(event);

    expect(event.Records[0]!.eventName).toBe('ObjectCreated:Post');
    expect(out.results).toEqual([{ key: link.fields.key, outcome: 'received', documentId: link.documentId }]);
    const doc = await m.documents.documents.get(db, link.documentId);
    expect(doc).toMatchObject({
      status: 'received',
      sha256: sha256(PDF),
      actualSize: PDF.length,
      size: PDF.length,
      detectedType: 'application/pdf',
      version: 2,
    });
    const download = await m.storage.downloadUrl(doc!.key, doc!.fileName);
    const res = await fetch(download.url);
    expect(Buffer.from(await res.arrayBuffer()).equals(PDF)).toBe(true);
    expect(res.headers.get('content-disposition')).toContain(
      "filename*=UTF-8''%E7%BB%A9%E6%95%88%20%E6%8A%A5%E5%91%8A.pdf",
    );
  });

  it('changes nothing when the same event is delivered again', async () => {
    const link = await openLink({ fileName: 'a.pdf', contentType: 'application/pdf', size: PDF.length });
    const event = await postForm(link, PDF, 'a.pdf');
    await handler(event);
    const before = await m.documents.documents.get(db, link.documentId);
    const audits = await auditCount(link.documentId);

    const again = await handler(event);

    expect(again.results[0]!.outcome).toBe('unchanged');
    expect(await m.documents.documents.get(db, link.documentId)).toEqual(before);
    expect(await auditCount(link.documentId)).toBe(audits);
  });

  it('is rejected and deleted when its real type is not the declared one (a PNG named .pdf)', async () => {
    const link = await openLink({ fileName: 'scan.pdf', contentType: 'application/pdf', size: PNG.length });

    const out = await handler(await postForm(link, PNG, 'scan.pdf'));

    expect(out.results[0]!.outcome).toBe('rejected');
    const doc = await m.documents.documents.get(db, link.documentId);
    expect(doc).toMatchObject({ status: 'rejected', detectedType: 'image/png', sha256: sha256(PNG) });
    expect(doc!.reason).toMatch(/image\/png.*application\/pdf/);
    expect(await m.storage.objectETag(doc!.key)).toBeUndefined();
  });

  it('is rejected when its size is not the declared one (s3rver does not enforce the policy; the handler does)', async () => {
    const link = await openLink({ fileName: 'a.pdf', contentType: 'application/pdf', size: PDF.length + 1 });

    await handler(await postForm(link, PDF, 'a.pdf'));

    const doc = await m.documents.documents.get(db, link.documentId);
    expect(doc).toMatchObject({ status: 'rejected', actualSize: PDF.length });
    expect(doc!.reason).toMatch(new RegExp(`${PDF.length} bytes, not the ${PDF.length + 1}`));
    expect(await m.storage.objectETag(doc!.key)).toBeUndefined();
  });

  it('is no longer trusted when the object is replaced after it was received (the link was still valid)', async () => {
    const link = await openLink({ fileName: 'a.pdf', contentType: 'application/pdf', size: PDF.length });
    await handler(await postForm(link, PDF, 'a.pdf'));
    const other = Buffer.from(PDF);
    other[100] = 0x42;

    const out = await handler(await postForm(link, other, 'a.pdf'));

    expect(out.results[0]!.outcome).toBe('rejected');
    const doc = await m.documents.documents.get(db, link.documentId);
    expect(doc).toMatchObject({
      status: 'rejected',
      sha256: sha256(PDF),
      reason: expect.stringMatching(/replaced/),
    });
    expect(await m.storage.objectETag(doc!.key)).toBeUndefined();
  });

  it('of an object no document expects is left alone', async () => {
    const out = await handler({
      Records: [
        {
          eventSource: 'aws:s3',
          eventName: 'ObjectCreated:Put',
          s3: { bucket: { name: BUCKET }, object: { key: 'uploads/DOC-NONE/x.pdf' } },
        },
      ],
    });

    expect(out.results).toEqual([{ key: 'uploads/DOC-NONE/x.pdf', outcome: 'unknown' }]);
  });

  it('refuses a declared type or size that may not be uploaded (422), before any link is made', () => {
    expect(() =>
      m.uploads.newUploadDocument(
        {
          purpose: 'document',
          kind: 'evidence',
          fileName: 'a.zip',
          contentType: 'application/zip',
          size: 10,
        },
        ctx(),
      ),
    ).toThrow(expect.objectContaining({ status: 422 }));
  });
});

function executingProject(id: string, approvedYuan: number): Project {
  const year = Number(new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 4));
  return m.project.projectRecord.parse({
    id,
    departmentId: 'D-EDU',
    fiscalYear: year,
    name: 'import test',
    kind: 'project',
    isNew: true,
    requestedFen: approvedYuan * 100,
    status: 'executing',
    exAnteRequired: false,
    configVersion: 1,
    budget: {
      initialFen: approvedYuan * 100,
      approvedFen: approvedYuan * 100,
      approvedAt: 'a',
      approvedBy: 'b',
      configVersion: 1,
    },
    version: 1,
    createdAt: 'c',
    updatedAt: 'u',
  });
}

async function importFile(csv: string) {
  const body = Buffer.from(csv, 'utf8');
  const link = await m.imports.openExpenditureImport(
    { db },
    ctx(),
    { fileName: 'treasury.csv', size: body.length },
    'http://api.test',
  );
  const out = await handler(await postForm(link, body, 'treasury.csv'));
  return { link, out, record: (await m.importStore.getImport(db, link.importId))! };
}

describe('an expenditure import', () => {
  it('runs when its upload is received, and a second time skips every row it accepted', async () => {
    const p = executingProject('P-IMP-1', 1000);
    await db.put(m.projects.projects.toItem(p));
    const year = p.fiscalYear;
    const csv = [
      'voucherNo,projectId,date,amount,note',
      `V1,P-IMP-1,${year}-01-05,100,first`,
      `V2,P-IMP-1,${year}-01-06,200.50,`,
      `V3,P-IMP-1,${year}-01-07,900,over budget`,
      `V4,P-OTHER,${year}-01-07,1,`,
      `V5,P-IMP-1,not-a-date,1,`,
    ].join('\r\n');

    const first = await importFile(csv);
    const second = await importFile(csv);

    expect(first.out.results[0]).toMatchObject({ outcome: 'received', importStatus: 'done' });
    expect(first.record).toMatchObject({
      status: 'done',
      rows: 5,
      processed: 5,
      acceptedCount: 2,
      skippedCount: 0,
      refusedCount: 3,
    });
    expect(second.record).toMatchObject({
      status: 'done',
      rows: 5,
      acceptedCount: 0,
      skippedCount: 2,
      refusedCount: 3,
    });
    expect((await m.projects.projects.get(db, 'P-IMP-1'))!.spentFen).toBe(300_50);
    const rows = await m.importStore.listImportRows(db, first.link.importId, { rows: 100 });
    expect(rows.items.flatMap((c) => c.rows).sort((a, b) => a.line - b.line)).toEqual([
      { line: 2, voucherNo: 'V1', projectId: 'P-IMP-1', outcome: 'accepted' },
      { line: 3, voucherNo: 'V2', projectId: 'P-IMP-1', outcome: 'accepted' },
      {
        line: 4,
        voucherNo: 'V3',
        projectId: 'P-IMP-1',
        outcome: 'refused',
        reason: expect.stringMatching(/above the budget/),
      },
      {
        line: 5,
        voucherNo: 'V4',
        projectId: 'P-OTHER',
        outcome: 'refused',
        reason: 'project P-OTHER not found',
      },
      {
        line: 6,
        voucherNo: 'V5',
        projectId: 'P-IMP-1',
        outcome: 'refused',
        reason: expect.stringMatching(/^date:/),
      },
    ]);
  });

  it('counts every row once when the same event is handled twice at the same time', async () => {
    const p = executingProject('P-IMP-2', 1_000_000);
    await db.put(m.projects.projects.toItem(p));
    const lines = ['voucherNo,projectId,date,amount'];
    for (let i = 0; i < 400; i++)
      lines.push(`C${i},P-IMP-2,${p.fiscalYear}-01-${String(1 + (i % 28)).padStart(2, '0')},10`);
    const body = Buffer.from(lines.join('\n'));
    const link = await m.imports.openExpenditureImport(
      { db },
      ctx(),
      { fileName: 'c.csv', size: body.length },
      'http://x',
    );
    const event = await postForm(link, body, 'c.csv');

    await Promise.all([handler(event), handler(event)]);

    expect(await m.importStore.getImport(db, link.importId)).toMatchObject({
      status: 'done',
      rows: 400,
      processed: 400,
      acceptedCount: 400,
      skippedCount: 0,
      refusedCount: 0,
    });
    expect((await m.projects.projects.get(db, 'P-IMP-2'))!.spentFen).toBe(400 * 10_00);
  });

  it('imports 10,000 rows of 20 projects in one go, and lists their outcomes page by page', async () => {
    const year = executingProject('x', 1).fiscalYear;
    for (let i = 0; i < 20; i++)
      await db.put(m.projects.projects.toItem(executingProject(`P-BIG-${i}`, 10_000_000)));
    const lines = ['voucherNo,projectId,date,amount,note'];
    for (let i = 0; i < 10_000; i++) {
      lines.push(
        `B${i},P-BIG-${i % 20},${year}-01-${String(1 + (i % 28)).padStart(2, '0')},${(i % 997) + 0.5},"凭证 ${i}"`,
      );
    }
    const started = Date.now();

    const { link, record } = await importFile(lines.join('\r\n'));

    console.log(`[documents.test] 10,000-row import: ${Date.now() - started} ms (upload and import)`);
    expect(record).toMatchObject({
      status: 'done',
      rows: 10_000,
      processed: 10_000,
      acceptedCount: 10_000,
      refusedCount: 0,
    });
    const spent = (await m.projects.projects.get(db, 'P-BIG-0'))!.spentFen;
    const expected = Array.from({ length: 500 }, (_, k) => ((k * 20) % 997) * 100 + 50).reduce(
      (a, b) => a + b,
      0,
    );
    expect(spent).toBe(expected);
    const seen: number[] = [];
    let nextToken: string | undefined;
    do {
      const page = await m.importStore.listImportRows(db, link.importId, { rows: 1000, nextToken });
      const rows = page.items.flatMap((c) => c.rows);
      expect(rows.length).toBeGreaterThanOrEqual(page.nextToken ? 1000 : 1);
      seen.push(...rows.map((r) => r.line));
      nextToken = page.nextToken;
    } while (nextToken);
    expect(new Set(seen).size).toBe(10_000);
  }, 60_000);

  it('fails, with the reason, when the header is not the expected one; a redelivery changes nothing', async () => {
    const { link, record } = await importFile('voucher,project,day,sum\r\nV1,P,2026-01-01,1\r\n');
    const again = await handler(events.at(-1));

    expect(record).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/missing columns voucherNo, projectId, date, amount/),
    });
    expect(again.results[0]).toMatchObject({ outcome: 'unchanged', importStatus: 'failed' });
    expect(await m.importStore.getImport(db, link.importId)).toEqual(record);
  });

  it('fails when its upload is rejected (a PDF declared as CSV)', async () => {
    const link = await m.imports.openExpenditureImport(
      { db },
      ctx(),
      { fileName: 'x.csv', size: PDF.length },
      'http://api.test',
    );

    await handler(await postForm(link, PDF, 'x.csv'));

    expect(await m.importStore.getImport(db, link.importId)).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/^the upload was rejected: .*application\/pdf/),
    });
  });
});

/**
 * The table as the handler sees it, until the process "dies" at the `at`-th write of the run: `before` it
 * is sent, or `after` it committed and before its reply is read. Every later call fails too (a dead process
 * writes nothing more).
 */
function dyingAt(real: Db, at: number, when: 'before' | 'after'): Db & { writes: () => number } {
  let writes = 0;
  let dead = false;
  const die = () => {
    dead = true;
    throw new Error(`the process died ${when} write ${at}`);
  };
  return new Proxy(real, {
    get(target, prop) {
      if (prop === 'writes') return () => writes;
      const value = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      if (prop !== 'write') {
        return (...args: unknown[]) => (dead ? die() : value.apply(target, args));
      }
      return async (actions: Parameters<Db['write']>[0]) => {
        if (dead) die();
        writes++;
        if (writes === at && when === 'before') die();
        await target.write(actions);
        if (writes === at && when === 'after') die();
      };
    },
  }) as Db & { writes: () => number };
}

/** An S3 notification as the queue hands it to the function (one SQS record). */
const throughQueue = (event: unknown, messageId: string) => ({
  Records: [{ messageId, eventSource: 'aws:sqs', body: JSON.stringify(event) }],
});

describe('an expenditure import interrupted at any point', () => {
  it('is finished by the redelivery of its event, every row counted once, no voucher twice', async () => {
    const ROWS_PER_PROJECT = 100; // 2 chunks each (CHUNK_ROWS = 90): 4 chunk transactions
    const logger = new Logger({ serviceName: 'test', logLevel: 'SILENT' }); // the deaths are expected
    const queued = m.handlerMod.createUploadArrivedHandler(() => ({
      db,
      storage: m.storage.s3Storage,
      now: () => new Date(),
      logger,
    }));
    const seen: string[] = [];
    for (let at = 1; ; at++) {
      for (const when of ['before', 'after'] as const) {
        const ids = [`P-CUT-${at}-${when}-A`, `P-CUT-${at}-${when}-B`];
        for (const id of ids) await db.put(m.projects.projects.toItem(executingProject(id, 1_000_000)));
        const year = executingProject('x', 1).fiscalYear;
        const lines = ['voucherNo,projectId,date,amount'];
        for (let i = 0; i < 2 * ROWS_PER_PROJECT; i++) {
          lines.push(`V${i},${ids[i % 2]},${year}-02-${String(1 + (i % 28)).padStart(2, '0')},${i + 1}.25`);
        }
        const body = Buffer.from(lines.join('\n'));
        const link = await m.imports.openExpenditureImport(
          { db },
          ctx(),
          { fileName: 'cut.csv', size: body.length },
          'http://api.test',
        );
        const event = await postForm(link, body, 'cut.csv');
        const dying = dyingAt(db, at, when);
        const cut = m.handlerMod.createUploadArrivedHandler(() => ({
          db: dying,
          storage: m.storage.s3Storage,
          now: () => new Date(),
          logger,
        }));

        const first = await cut(throughQueue(event, `first-${at}-${when}`));
        const redelivered = await queued(throughQueue(event, `again-${at}-${when}`));

        const label = `died ${when} write ${at} of ${dying.writes()}`;
        const reached = dying.writes() >= at;
        expect(first, label).toEqual({
          batchItemFailures: reached ? [{ itemIdentifier: `first-${at}-${when}` }] : [],
        });
        expect(redelivered, label).toEqual({ batchItemFailures: [] });
        expect(await m.importStore.getImport(db, link.importId), label).toMatchObject({
          status: 'done',
          rows: 200,
          processed: 200,
          acceptedCount: 200,
          skippedCount: 0,
          refusedCount: 0,
        });
        const rows = await m.importStore.listImportRows(db, link.importId, { rows: 1000 });
        const lineNos = rows.items.flatMap((c) => c.rows.map((r) => r.line));
        expect(lineNos.length, label).toBe(200);
        expect(new Set(lineNos).size, label).toBe(200);
        for (const [k, id] of ids.entries()) {
          const mine = Array.from({ length: ROWS_PER_PROJECT }, (_, j) => 2 * j + k); // row i → ids[i % 2]
          const expectedFen = mine.reduce((sum, i) => sum + (i + 1) * 100 + 25, 0);
          expect((await m.projects.projects.get(db, id))!.spentFen, `${label}: ${id}`).toBe(expectedFen);
          const spend = await m.expenditures.listExpenditures(db, id, { limit: 1000 });
          expect(spend.items.map((e) => e.voucherNo).sort(), `${label}: ${id}`).toEqual(
            mine.map((i) => `V${i}`).sort(),
          );
        }
        seen.push(label);
        if (!reached) {
          // The run needs fewer writes than `at`: every point of it has been cut once, before and after.
          expect(at, seen.join('\n')).toBeGreaterThan(6); // receive, start, 4 chunks, finish
          return;
        }
      }
    }
  }, 120_000);
});
