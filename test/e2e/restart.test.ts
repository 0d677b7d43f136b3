// The local system's promises across a stop and a start (issue 11, item 8), with systems of its own
// (./processes.ts) on temporary data folders: sent mail is still on the mail page, a token stays valid
// (also when the identity provider gets another port), the token command refuses a folder no running system
// uses, runtime.json goes with a clean stop, and a second `npm start` on a taken API port names that port.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRuntime } from '../../infra/local/runtime.js';
import { failedStart, type LocalSystem, startLocal, tokenCli } from './processes.js';
import { api, runtime } from './support.js';

const JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\n$/;
const folders: string[] = [];
const newFolder = async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'bp-restart-'));
  folders.push(dir);
  return dir;
};
const running: LocalSystem[] = [];
afterAll(async () => {
  for (const s of running) await s.stop('SIGKILL').catch(() => undefined);
  for (const dir of folders) await rm(dir, { recursive: true, force: true });
});

const portOf = (url: string) => Number(new URL(url).port);

describe('a second npm start', () => {
  it('on a taken API port names that port, and starts nothing else', async () => {
    const taken = portOf(runtime().api); // the shared system's
    const dir = await newFolder();

    const out = await failedStart(dir, { PORT: String(taken) });

    expect(out.code).toBe(1);
    expect(out.output).toContain(`port ${taken} is already in use (API, PORT)`);
    // Checked before any server started: no store was opened in the data folder.
    expect(existsSync(path.join(dir, 'dynamodb'))).toBe(false);
    expect(existsSync(path.join(dir, 'runtime.json'))).toBe(false);
  });
});

describe('a stop and a start of one data folder', () => {
  let dir: string;
  let first: LocalSystem;
  let token: string;
  const subject = `restart mail ${Date.now()}`;
  let blocker: Server | undefined;

  beforeAll(async () => {
    dir = await newFolder();
    first = await startLocal(dir);
    running.push(first);
  });
  afterAll(() => new Promise<void>((r) => (blocker ? blocker.close(() => r()) : r())));

  it('before: the token command signs for the running system, and a mail is sent', async () => {
    const out = await tokenCli(dir, '--role', 'finance');
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toMatch(JWT);
    token = out.stdout.trim();
    expect((await api(`${first.runtime.api}/v1/departments?limit=1`, { token })).status).toBe(200);

    const ses = new SESv2Client({
      region: 'us-east-1',
      endpoint: first.runtime.ses,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    await ses.send(
      new SendEmailCommand({
        FromEmailAddress: 'performance@finance.example.gov.cn',
        Destination: { ToAddresses: ['jiaoyu@example.gov.cn'] },
        Content: { Simple: { Subject: { Data: subject }, Body: { Text: { Data: '正文' } } } },
      }),
    );
    const store = await api(`${first.runtime.mail}/store`);
    expect(store.json.emails.map((e: { subject: string }) => e.subject)).toContain(subject);
  });

  it('a second npm start on the folder in use (other ports) names the running system', async () => {
    const out = await failedStart(dir, {});

    expect(out.code).toBe(1);
    expect(out.output).toContain(
      `the data folder ${dir} is in use by a running system (pid ${first.runtime.pid}, API ${first.runtime.api})`,
    );
    expect((await api(`${first.runtime.api}/health`)).status).toBe(200); // and left it alone
    expect((await readRuntime(dir))?.pid).toBe(first.runtime.pid);
  });

  it('a clean stop removes runtime.json, and the token command then refuses to sign', async () => {
    const exit = await first.stop('SIGTERM');

    expect(exit.code).toBe(0);
    expect(existsSync(path.join(dir, 'runtime.json'))).toBe(false);
    const out = await tokenCli(dir, '--role', 'finance');
    expect(out.code).toBe(2);
    expect(out.stdout).toBe('');
    expect(out.stderr).toContain(`no system is running with the data folder ${dir}`);
    expect(out.stderr).toMatch(/npm start/);
  });

  it('after a start on the same folder, with the old identity provider port taken: the old token and the sent mail', async () => {
    // IDP_PORT=0 and its former port taken: the provider must listen elsewhere.
    blocker = createServer();
    await new Promise<void>((r) => blocker!.listen(portOf(first.runtime.idp), '127.0.0.1', () => r()));

    const second = await startLocal(dir);
    running.push(second);

    expect(second.runtime.idp).not.toBe(first.runtime.idp);
    expect(second.runtime.issuer).toBe(first.runtime.issuer);
    const res = await api(`${second.runtime.api}/v1/departments?limit=1`, { token });
    expect(res.status, res.text).toBe(200);
    const store = await api(`${second.runtime.mail}/store`);
    expect(store.json.emails.filter((e: { subject: string }) => e.subject === subject)).toHaveLength(1);
    const page = await api(`${second.runtime.mail}/`);
    expect(page.status).toBe(200);

    // Killed, it leaves runtime.json behind; the token command sees that its process is gone.
    await second.stop('SIGKILL');
    expect(existsSync(path.join(dir, 'runtime.json'))).toBe(true);
    const out = await tokenCli(dir, '--role', 'finance');
    expect(out.code).toBe(2);
    expect(out.stderr).toContain(`(pid ${second.runtime.pid}) is no longer running`);
  });
});

describe('the token command', () => {
  it('refuses a data folder no system has ever used', async () => {
    const dir = await newFolder();

    const out = await tokenCli(dir, '--role', 'finance');

    expect(out.code).toBe(2);
    expect(out.stdout).toBe('');
    expect(out.stderr).toContain(`no system is running with the data folder ${dir} (no runtime.json)`);
  });
});
