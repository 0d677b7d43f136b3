import type { Evaluation } from '../domain/evaluation.js';
import type { SelfEvaluation } from '../domain/self-evaluation.js';
import type { Db } from '../store/db.js';
import { documentsByIds, indexDocumentAction } from '../store/documents.js';
import { projectEvaluations } from '../store/evaluations.js';
import { listProjects } from '../store/projects.js';
import { departments } from '../store/reference.js';
import { selfEvaluations } from '../store/self-evaluations.js';

/**
 * A one-off backfill of the dossier's document list (gsi1 `PROJECT#<id>#DOCS`, sparse) for documents written
 * before that index existed. No Scan: a project's documents are found by key from what the project's own records
 * name — its self-evaluation's evidence (claimed and reviewed), and each of its third-party evaluations' plan,
 * reviewed plans and reports, current and returned reports and their findings' evidence — read with one
 * BatchGet, and each one of the project that is not on the list yet gets its index attributes (nothing else of
 * it changes; a rerun finds nothing to do).
 *
 * What it cannot reach: a document that no record names (an evidence upload never cited, a plan still pending or
 * rejected on arrival). Its item is keyed by its own id (`DOC#<id>`), its audit trail too (`AUDIT#<id>`), and
 * the bucket's object key carries no project either, so only a Scan of the table would find it; those documents
 * are left out of the dossier's list (README, "Dossier").
 */
export interface DocumentIndexDeps {
  db: Db;
}

export interface BackfillOutcome {
  projectId: string;
  /** Documents the project's records name that are the project's. */
  named: number;
  /** Of them, those put on the list now. */
  indexed: string[];
}

/** The document ids a project's records name. */
export function namedDocumentIds(
  selfEvaluation: SelfEvaluation | undefined,
  evaluations: readonly Evaluation[],
): string[] {
  const ids = new Set<string>();
  for (const sheet of [selfEvaluation?.claimed, selfEvaluation?.reviewed])
    for (const i of sheet?.indicators ?? []) for (const id of i.evidenceDocumentIds) ids.add(id);
  for (const e of evaluations) {
    if (e.planDocumentId) ids.add(e.planDocumentId);
    for (const r of e.reviews) ids.add(r.documentId);
    for (const report of [...(e.report ? [e.report] : []), ...e.returnedReports]) {
      ids.add(report.documentId);
      for (const f of report.findings) for (const id of f.evidenceDocumentIds) ids.add(id);
    }
  }
  ids.delete('');
  return [...ids];
}

/** Backfills one project's documents (see above). */
export async function backfillProjectDocuments(
  deps: DocumentIndexDeps,
  projectId: string,
): Promise<BackfillOutcome> {
  const [selfEvaluation, evaluations] = await Promise.all([
    selfEvaluations.get(deps.db, projectId),
    projectEvaluations(deps.db, projectId),
  ]);
  const found = (await documentsByIds(deps.db, namedDocumentIds(selfEvaluation, evaluations))).filter(
    (d) => d.document.projectId === projectId,
  );
  const indexed: string[] = [];
  for (const { document, indexed: already } of found) {
    if (already) continue;
    // One document at a time: each is its own small fix, and one indexed meanwhile is simply skipped.
    const out = await deps.db.tryWrite([indexDocumentAction(document)]);
    if (out.ok) indexed.push(document.id);
  }
  return { projectId, named: found.length, indexed };
}

/** Every project's, department by department (gsi1 `DEPTS`, then each department's projects): Queries only. */
export async function backfillDocumentIndex(deps: DocumentIndexDeps): Promise<BackfillOutcome[]> {
  const out: BackfillOutcome[] = [];
  const system = { sub: 'system:backfill', role: 'finance' as const };
  for (const d of await departments.all(deps.db)) {
    let nextToken: string | undefined;
    do {
      const page = await listProjects(deps.db, system, { departmentId: d.id, limit: 100, nextToken });
      for (const p of page.items) out.push(await backfillProjectDocuments(deps, p.id));
      nextToken = page.nextToken;
    } while (nextToken);
  }
  return out;
}
