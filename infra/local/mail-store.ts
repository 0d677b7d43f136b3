import { appendFileSync, writeFileSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * aws-ses-v2-local keeps the sent mail in memory only; the local system keeps it in the data folder as
 * well (`ses/emails.jsonl`, one message a line), so the mail page and `GET /store` show, after a restart,
 * every message sent before it — the same messages the mail records in DynamoDB say were sent. Each
 * message is appended synchronously before the server answers the send, so a message the handler saw
 * accepted is on disk even if the process is killed right after. `POST /clear-store` clears the file too.
 *
 * This reaches into the server's store module (`dist/store.js`, pinned with the package: 2.10.2): its
 * `saveEmail` and `clearStore` exports are called through the module object by the server's routes, so
 * wrapping them there sees every send.
 */
interface StoredEmail {
  messageId: string;
  [field: string]: unknown;
}
interface StoreModule {
  saveEmail(email: StoredEmail): void;
  clearStore(): void;
  getStoreReadonly(): { emails: StoredEmail[] };
}

const require = createRequire(import.meta.url);
const WRAPPED = Symbol.for('budget-performance.mail-store');
let target: string | undefined;

export async function keepSentMail(dataDir: string): Promise<{ file: string; loaded: number }> {
  const store = require('aws-ses-v2-local/dist/store.js') as StoreModule & { [WRAPPED]?: true };
  const file = path.join(dataDir, 'ses', 'emails.jsonl');
  await mkdir(path.dirname(file), { recursive: true });
  let text = '';
  try {
    text = await readFile(file, 'utf8');
  } catch {
    // no mail sent yet
  }
  const emails = store.getStoreReadonly().emails;
  const known = new Set(emails.map((e) => e.messageId));
  let loaded = 0;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const email = JSON.parse(line) as StoredEmail;
      if (typeof email.messageId !== 'string' || known.has(email.messageId)) continue;
      emails.push(email);
      known.add(email.messageId);
      loaded++;
    } catch {
      // a line cut by a kill mid-write: the message before it are whole
    }
  }
  target = file;
  if (!store[WRAPPED]) {
    store[WRAPPED] = true;
    const save = store.saveEmail;
    const clear = store.clearStore;
    store.saveEmail = (email) => {
      if (target) appendFileSync(target, `${JSON.stringify(email)}\n`);
      save(email);
    };
    store.clearStore = () => {
      clear();
      if (target) writeFileSync(target, '');
    };
  }
  return { file, loaded };
}
