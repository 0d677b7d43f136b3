import { randomBytes } from 'node:crypto';
import * as z from 'zod';
import { type DocumentRecord, documentRecord } from '../domain/document.js';
import type { Db, WriteAction } from './db.js';
import { entityStore } from './entity-store.js';
import { keys } from './keys.js';

/** Documents in the single table: versioned, every change with its audit record (entity-store.ts). */
export const documents = entityStore({
  type: 'document',
  label: 'Document',
  schema: documentRecord,
  key: keys.document,
  // A project's documents (its evidence, its evaluations' plans and reports) are listed by the dossier.
  indexKeys: keys.documentIndexes,
});

/** A page of a project's documents, oldest first (gsi1 `PROJECT#<id>#DOCS`, sparse). */
export function projectDocumentsPage(
  db: Db,
  projectId: string,
  page: { limit?: number; nextToken?: string },
) {
  return db.query({ index: 'gsi1', pk: keys.projectDocuments(projectId), ...page }, documentRecord);
}

/** A document as stored, with the index attributes it has (none when it was written before the index). */
const storedDocument = documentRecord.extend({ gsi1pk: z.string().optional() });

/** The documents of these ids (by key), each with whether it is on its project's list. */
export async function documentsByIds(db: Db, ids: readonly string[]) {
  const found = ids.length ? await db.batchGet(ids.map(keys.document), storedDocument) : [];
  return found
    .filter((d) => d !== undefined)
    .map(({ gsi1pk, ...d }) => ({ document: documentRecord.parse(d), indexed: gsi1pk !== undefined }));
}

/**
 * Puts a document written before the sparse index on its project's list: the index attributes only (the
 * document itself, its version and its audit trail are unchanged), if it is still unindexed at that version.
 */
export function indexDocumentAction(d: DocumentRecord): WriteAction {
  return {
    kind: 'update',
    key: keys.document(d.id),
    set: keys.documentIndexes(d),
    condition: {
      expression: 'attribute_not_exists(gsi1pk) AND version = :v',
      values: { ':v': d.version },
    },
    conflict: `Document ${d.id} was indexed or changed meanwhile`,
  };
}

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** `<prefix>-` and 16 random Crockford base-32 characters (80 bits): document and import ids. */
export function newId(prefix: 'DOC' | 'IMP'): string {
  return `${prefix}-${[...randomBytes(16)].map((b) => ALPHABET[b % 32]).join('')}`;
}
