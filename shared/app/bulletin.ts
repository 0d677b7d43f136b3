import { createHash } from 'node:crypto';
import * as z from 'zod';
import { BULLETINS_PREFIX } from '../docs/content-types.js';
import { publicDataPrefix, publicPackage } from '../docs/public-package.js';
import type { Publisher } from '../docs/storage.js';
import type { DocumentRecord } from '../domain/document.js';
import { Conflict, NotFound } from '../domain/errors.js';
import type { BulletinModel } from '../mail/bulletin.js';
import { type DeliveryLogger, type DeliveryReport, deliver, type OutgoingMail } from '../mail/delivery.js';
import { XLSX_TYPE } from '../mail/mime.js';
import type { Mailer } from '../mail/ses.js';
import { currentConfig } from '../store/config.js';
import type { Db } from '../store/db.js';
import { documents, newId } from '../store/documents.js';
import { type ChangeContext, entityStore } from '../store/entity-store.js';
import { keys } from '../store/keys.js';
import { DynamoMailLog } from '../store/mail-log.js';
import { departments } from '../store/reference.js';
import { changesSince } from '../store/self-evaluations.js';
import { allResults, type ResultRow, yearRanking } from './results.js';

/**
 * Publishing the year's ranking (通报, domain.md §4–5): the ranking with the commended and criticised
 * departments and the score-inflation signal, stored in the bucket as an HTML page (zh-CN, for reading) and
 * an .xlsx (for staff), the year's public disclosure package beside it, and mailed to every department's
 * contactEmails and the bureau's bureauEmails once per publication (the report-mail delivery protocol:
 * records `MAIL#BULLETIN#<year>#<publication>` / `DEPT#<id>` | `BUREAU`, shared/mail/delivery.ts).
 *
 * One bulletin per year at a time. Publishing again while nothing under it has changed publishes nothing new
 * and only completes the delivery (a mail already sent is listed under `alreadySent`); once something under
 * it changed (a review, a budget adjustment, a third-party approval — the staleness guard), publishing again
 * makes the next publication, mailed afresh.
 */
export interface BulletinDeps {
  db: Db;
  publisher: Publisher;
  mailer: Mailer;
  from: string;
  logger?: DeliveryLogger;
}

const listedDepartment = z.object({
  departmentId: z.string(),
  departmentName: z.string(),
  projects: z.array(z.object({ projectId: z.string(), projectName: z.string(), grade: z.string() })),
});
const publishedResult = z.object({
  projectId: z.string(),
  departmentId: z.string(),
  grade: z.string(),
  source: z.string(),
  score: z.number(),
  recommendation: z.string(),
  recommendedAmount: z.number(),
});
const storedFile = z.object({ documentId: z.string(), key: z.string(), fileName: z.string() });

export const bulletinRecord = z.object({
  id: z.string(),
  fiscalYear: z.int(),
  publication: z.int(),
  publishedAt: z.string(),
  publishedBy: z.string(),
  configVersion: z.int(),
  ranking: z.array(
    z.object({
      rank: z.int(),
      departmentId: z.string(),
      departmentName: z.string(),
      averageScore: z.number(),
      projects: z.int(),
    }),
  ),
  unranked: z.array(z.object({ departmentId: z.string(), departmentName: z.string() })),
  commended: z.array(listedDepartment),
  criticised: z.array(listedDepartment),
  inflation: z.array(
    z.object({
      departmentId: z.string(),
      departmentName: z.string(),
      averageGap: z.number(),
      thirdPartyGap: z.number().nullable(),
      thirdPartyProjects: z.int(),
      flagged: z.boolean(),
      threshold: z.number(),
    }),
  ),
  /** What the bulletin stood on: every result at publication (the staleness guard compares against it). */
  results: z.array(publishedResult),
  documents: z.object({ html: storedFile, xlsx: storedFile }),
  publicData: z.object({ prefix: z.string(), files: z.array(z.string()) }),
  version: z.int(),
});
export type Bulletin = z.infer<typeof bulletinRecord>;

export const bulletins = entityStore({
  type: 'bulletin',
  label: 'Bulletin',
  schema: bulletinRecord,
  key: (id: string) => keys.bulletin(Number(id)),
});

export const bulletinScope = keys.bulletinMailScope;

const modelOf = (b: Bulletin): BulletinModel => ({
  fiscalYear: b.fiscalYear,
  publication: b.publication,
  publishedAt: new Date(b.publishedAt),
  configVersion: b.configVersion,
  ranking: b.ranking,
  unranked: b.unranked,
  commended: b.commended,
  criticised: b.criticised,
  inflation: b.inflation,
});

const publishedOf = (r: ResultRow): z.infer<typeof publishedResult> => ({
  projectId: r.projectId,
  departmentId: r.departmentId,
  grade: r.grade,
  source: r.basis.evaluation.source,
  score: r.basis.evaluation.score,
  recommendation: r.recommendation,
  recommendedAmount: r.recommendedAmount,
});

export interface Staleness {
  stale: boolean;
  /** What changed since the publication, for people (zh-CN first). */
  changes: { at?: string; kind: string; projectId?: string; detail: string }[];
}

/**
 * Whether anything under a published bulletin changed: the year's change log after the publication (reviews
 * and budget adjustments write to it in their own transactions), and the results recomputed now against the
 * ones the bulletin recorded (a third-party approval changes a final grade; a new review adds a result).
 */
export async function staleness(db: Db, b: Bulletin): Promise<Staleness> {
  const [logged, now] = await Promise.all([
    changesSince(db, b.fiscalYear, b.publishedAt),
    allResults({ db }, b.fiscalYear),
  ]);
  const changes: Staleness['changes'] = logged.map((c) => ({
    at: c.at,
    kind: c.kind,
    projectId: c.projectId,
    detail: c.detail,
  }));
  const before = new Map(b.results.map((r) => [r.projectId, r]));
  for (const r of now.map(publishedOf)) {
    const was = before.get(r.projectId);
    before.delete(r.projectId);
    if (!was) {
      changes.push({
        kind: 'new-result',
        projectId: r.projectId,
        detail: `项目 ${r.projectId} 新增最终等级 ${r.grade}（${r.source}）`,
      });
    } else if (
      was.grade !== r.grade ||
      was.recommendedAmount !== r.recommendedAmount ||
      was.source !== r.source
    ) {
      const kind =
        was.source !== r.source || (r.source === 'third-party' && was.score !== r.score)
          ? 'third-party-approval'
          : 'result-changed';
      changes.push({
        kind,
        projectId: r.projectId,
        detail: `项目 ${r.projectId}：等级 ${was.grade}（${was.source}）→ ${r.grade}（${r.source}），建议金额 ${was.recommendedAmount} → ${r.recommendedAmount} 元`,
      });
    }
  }
  for (const gone of before.values()) {
    changes.push({
      kind: 'result-withdrawn',
      projectId: gone.projectId,
      detail: `项目 ${gone.projectId} 不再有最终等级`,
    });
  }
  return { stale: changes.length > 0, changes };
}

function listed(results: ResultRow[], grade: 'excellent' | 'poor', names: Map<string, string>) {
  const byDept = new Map<string, ResultRow[]>();
  for (const r of results.filter((x) => x.grade === grade))
    byDept.set(r.departmentId, [...(byDept.get(r.departmentId) ?? []), r]);
  return [...byDept.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([departmentId, rows]) => ({
      departmentId,
      departmentName: names.get(departmentId) ?? departmentId,
      projects: rows.map((r) => ({ projectId: r.projectId, projectName: r.projectName, grade: r.grade })),
    }));
}

const sha256 = (body: Buffer | string) => createHash('sha256').update(body).digest('hex');

/** A document record for a file the system stored itself (received at once: nothing to verify). */
function systemDocument(
  key: string,
  fileName: string,
  contentType: string,
  body: Buffer | string,
  ctx: ChangeContext,
): DocumentRecord {
  const size = Buffer.byteLength(body);
  const at = ctx.now.toISOString();
  return {
    id: newId('DOC'),
    version: 1,
    ownerType: 'bureau',
    kind: 'bulletin',
    fileName,
    key,
    contentType,
    size,
    status: 'received',
    sha256: sha256(body),
    actualSize: size,
    detectedType: contentType,
    createdAt: at,
    createdBy: ctx.actor.sub,
    receivedAt: at,
    checkedAt: at,
  };
}

/**
 * The bulletin's renderers (page, mail, workbook): loaded by a publication or its mails, not at the cold start
 * of every route of the function.
 */
const renderers = () => import('../mail/bulletin.js');

async function mailsOf(deps: BulletinDeps, b: Bulletin): Promise<OutgoingMail[]> {
  const model = modelOf(b);
  const [config, depts, { bulletinFileName, bulletinWorkbook, renderBulletin }, { message }] =
    await Promise.all([
      currentConfig(deps.db, b.fiscalYear),
      departments.all(deps.db),
      renderers(),
      import('../mail/compose.js'),
    ]);
  let xlsx: Promise<Buffer> | undefined;
  const build = (to: string[]) => async () => {
    xlsx ??= bulletinWorkbook(model);
    return message(
      renderBulletin(model),
      to,
      deps.from,
      model.publishedAt,
      {
        filename: bulletinFileName(model, 'xlsx'),
        content: await xlsx,
      },
      { 'X-Bulletin-Key': `${b.fiscalYear}/${b.publication}` },
    );
  };
  const scope = bulletinScope(b.fiscalYear, b.publication);
  const subject = renderBulletin(model).subject;
  const mails: OutgoingMail[] = depts
    .filter((d) => d.contactEmails.length)
    .sort((a, b2) => a.id.localeCompare(b2.id))
    .map((d) => ({
      draft: {
        scope,
        key: keys.departmentReportMail(d.id),
        kind: 'bulletin',
        to: d.contactEmails,
        subject,
        departmentId: d.id,
        context: { fiscalYear: String(b.fiscalYear) },
      },
      build: build(d.contactEmails),
    }));
  if (config.bureauEmails.length) {
    mails.push({
      draft: {
        scope,
        key: keys.bureauReportMail,
        kind: 'bulletin',
        to: config.bureauEmails,
        subject,
        context: { fiscalYear: String(b.fiscalYear) },
      },
      build: build(config.bureauEmails),
    });
  }
  return mails;
}

export interface PublishOutcome {
  bulletin: Bulletin;
  /** False when the bulletin in force was still current: nothing new was published. */
  created: boolean;
  delivery: DeliveryReport;
}

export async function publishBulletin(
  deps: BulletinDeps,
  ctx: ChangeContext,
  fiscalYear: number,
): Promise<PublishOutcome> {
  const existing = await bulletins.get(deps.db, String(fiscalYear));
  if (existing && !(await staleness(deps.db, existing)).stale) {
    const delivery = await deliver(await mailsOf(deps, existing), {
      log: new DynamoMailLog(deps.db),
      mailer: deps.mailer,
      from: deps.from,
      now: () => ctx.now,
      logger: deps.logger,
    });
    return { bulletin: existing, created: false, delivery };
  }
  const [ranking, results, depts] = await Promise.all([
    yearRanking(deps, fiscalYear),
    allResults(deps, fiscalYear),
    departments.all(deps.db),
  ]);
  if (!ranking.items.length) {
    throw new Conflict(
      `No self-evaluation of ${fiscalYear} has been reviewed yet: there is nothing to rank (尚无已复核的自评)`,
    );
  }
  const names = new Map(depts.map((d) => [d.id, d.name]));
  const ranked = new Set(ranking.items.map((r) => r.departmentId));
  const publication = (existing?.publication ?? 0) + 1;
  const at = ctx.now.toISOString();
  const model: BulletinModel = {
    fiscalYear,
    publication,
    publishedAt: ctx.now,
    configVersion: ranking.configVersion,
    ranking: ranking.items.map((r) => ({
      ...r,
      departmentName: names.get(r.departmentId) ?? r.departmentId,
    })),
    unranked: depts
      .filter((d) => !ranked.has(d.id))
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((d) => ({ departmentId: d.id, departmentName: d.name })),
    commended: listed(results, 'excellent', names),
    criticised: listed(results, 'poor', names),
    inflation: ranking.inflation.map((i) => ({
      ...i,
      departmentName: names.get(i.departmentId) ?? i.departmentId,
    })),
  };

  // The files first (a put is idempotent; a failed transaction leaves only unreferenced objects).
  const folder = `${BULLETINS_PREFIX}${fiscalYear}/${publication}/`;
  const { bulletinFileName, bulletinWorkbook, renderBulletinHtml } = await renderers();
  const htmlName = bulletinFileName(model, 'html');
  const xlsxName = bulletinFileName(model, 'xlsx');
  const html = renderBulletinHtml(model);
  const xlsx = await bulletinWorkbook(model);
  const htmlType = 'text/html; charset=utf-8';
  await deps.publisher.put(`${folder}${htmlName}`, html, htmlType);
  await deps.publisher.put(`${folder}${xlsxName}`, xlsx, XLSX_TYPE);
  const prefix = publicDataPrefix(fiscalYear);
  const files = publicPackage(fiscalYear, results, names, ctx.now);
  for (const f of files) await deps.publisher.put(`${prefix}${f.name}`, f.body, f.contentType);

  const htmlDoc = systemDocument(`${folder}${htmlName}`, htmlName, 'text/html', html, ctx);
  const xlsxDoc = systemDocument(`${folder}${xlsxName}`, xlsxName, XLSX_TYPE, xlsx, ctx);
  const bulletin: Bulletin = {
    id: String(fiscalYear),
    fiscalYear,
    publication,
    publishedAt: at,
    publishedBy: ctx.actor.sub,
    configVersion: model.configVersion,
    ranking: model.ranking,
    unranked: model.unranked,
    commended: model.commended,
    criticised: model.criticised,
    inflation: model.inflation,
    results: results.map(publishedOf),
    documents: {
      html: { documentId: htmlDoc.id, key: htmlDoc.key, fileName: htmlName },
      xlsx: { documentId: xlsxDoc.id, key: xlsxDoc.key, fileName: xlsxName },
    },
    publicData: { prefix, files: files.map((f) => f.name) },
    version: (existing?.version ?? 0) + 1,
  };
  await deps.db.write([
    ...(existing
      ? bulletins.updateActions(existing, bulletin, ctx, 'republish-bulletin')
      : bulletins.createActions(bulletin, ctx, 'publish-bulletin')),
    ...documents.createActions(htmlDoc, ctx),
    ...documents.createActions(xlsxDoc, ctx),
  ]);
  const delivery = await deliver(await mailsOf(deps, bulletin), {
    log: new DynamoMailLog(deps.db),
    mailer: deps.mailer,
    from: deps.from,
    now: () => ctx.now,
    logger: deps.logger,
  });
  return { bulletin, created: true, delivery };
}

export async function getBulletin(db: Db, fiscalYear: number): Promise<{ bulletin: Bulletin } & Staleness> {
  const bulletin = await bulletins.get(db, String(fiscalYear));
  if (!bulletin) throw new NotFound(`The bulletin of ${fiscalYear}`);
  return { bulletin, ...(await staleness(db, bulletin)) };
}
