// Integration tier: the one-off backfill of the dossier's document list (shared/app/document-index.ts) against
// the real local DynamoDB. Documents written before the sparse index (no gsi1 attributes) are put on their
// project's list when a record of the project names them (here the self-evaluation's evidence), found by key,
// never by Scan; a document no record names stays off the list (only a Scan could find it); a rerun does nothing.
import { describe, expect, it } from 'vitest';
import { backfillDocumentIndex, backfillProjectDocuments } from '../../shared/app/document-index.js';
import { submitSelfEvaluation } from '../../shared/app/self-evaluation.js';
import type { Actor } from '../../shared/domain/actor.js';
import type { DocumentRecord } from '../../shared/domain/document.js';
import type { Db } from '../../shared/store/db.js';
import { documents, projectDocumentsPage } from '../../shared/store/documents.js';
import { keys } from '../../shared/store/keys.js';
import { projects } from '../../shared/store/projects.js';
import { departments } from '../../shared/store/reference.js';
import { educationGoals, executingProject } from '../support/projects.js';
import { useFreshDb } from './local-db.js';

let db: Db;
useFreshDb((fresh) => {
  db = fresh;
});

const finance: Actor = { sub: 'f-1', role: 'finance' };
const dept: Actor = { sub: 'u-edu', role: 'department', departmentId: 'D-EDU' };
const JAN = new Date('2026-01-15T02:00:00.000Z');

const doc = (id: string, createdAt: string): DocumentRecord => ({
  id,
  version: 2,
  ownerType: 'department',
  departmentId: 'D-EDU',
  projectId: 'P2025-DOCS',
  kind: 'evidence',
  fileName: `${id}.pdf`,
  key: `uploads/${id}/${id}.pdf`,
  contentType: 'application/pdf',
  size: 100,
  status: 'received',
  sha256: 'a'.repeat(64),
  createdAt,
  createdBy: 'u-edu',
  receivedAt: createdAt,
});

/** A document as the store wrote it before the index: its item alone, no gsi1 attributes. */
const beforeTheIndex = (d: DocumentRecord) => db.put({ ...keys.document(d.id), type: 'document', ...d });

const listed = async () =>
  (await projectDocumentsPage(db, 'P2025-DOCS', { limit: 100 })).items.map((d) => d.id);

describe('the backfill of the document list', () => {
  it('lists the old documents the project’s records name, leaves the unnamed out, and reruns to nothing', async () => {
    await db.write(
      departments.createActions(
        {
          id: 'D-EDU',
          name: '区教育局',
          contactEmails: [],
          locale: 'zh-CN',
          version: 1,
          createdAt: JAN.toISOString(),
          updatedAt: JAN.toISOString(),
        },
        { actor: finance, now: JAN },
      ),
    );
    const p = executingProject({
      id: 'P2025-DOCS',
      fiscalYear: 2025,
      goals: educationGoals(),
      goalReviews: [{ grade: 'excellent', reviewedAt: JAN.toISOString(), reviewedBy: 'f', configVersion: 1 }],
      spentFen: 100_000_000,
      spendByDate: { '2025-06-30': 100_000_000 },
    });
    await db.write(projects.createActions(p, { actor: finance, now: JAN }));
    const old = doc('DOC-OLD-CITED', '2025-11-01T00:00:00.000Z');
    const unnamed = doc('DOC-OLD-UNNAMED', '2025-11-02T00:00:00.000Z');
    const recent = doc('DOC-NEW', '2025-12-01T00:00:00.000Z');
    await beforeTheIndex(old);
    await beforeTheIndex(unnamed);
    await db.write(documents.createActions(recent, { actor: dept, now: JAN }));
    await submitSelfEvaluation({ db }, { actor: dept, now: JAN }, p.id, {
      summary: '完成',
      indicators: educationGoals().indicators.map((i, n) =>
        i.operator === 'qualitative'
          ? { name: i.name, tier: 'achieved' as const, score: 15 }
          : {
              name: i.name,
              actual: i.target as number,
              evidenceDocumentIds: n === 0 ? [old.id, recent.id] : [],
            },
      ),
    });
    expect(await listed()).toEqual([recent.id]);

    expect(await backfillDocumentIndex({ db })).toEqual([{ projectId: p.id, named: 2, indexed: [old.id] }]);
    expect(await listed()).toEqual([old.id, recent.id]);
    // the document itself is as it was
    expect(await documents.get(db, old.id)).toEqual(old);

    expect(await backfillProjectDocuments({ db }, p.id)).toEqual({ projectId: p.id, named: 2, indexed: [] });
    expect(await listed()).not.toContain(unnamed.id);
  });
});
