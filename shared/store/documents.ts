import { randomBytes } from 'node:crypto';
import { documentRecord } from '../domain/document.js';
import type { Db } from './db.js';
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

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** `<prefix>-` and 16 random Crockford base-32 characters (80 bits): document and import ids. */
export function newId(prefix: 'DOC' | 'IMP'): string {
  return `${prefix}-${[...randomBytes(16)].map((b) => ALPHABET[b % 32]).join('')}`;
}
