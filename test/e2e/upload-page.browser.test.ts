// The evaluator's upload page in a real browser (issue 10): headless Chromium (the system's, driven by
// playwright-core) opens the `pageUrl` of a plan's upload link on a phone-sized screen, chooses a PDF,
// uploads it, sees the progress bar and the success message; the document becomes `received` and the
// evaluation `plan_submitted`. A screenshot of the page goes to test-results/ (and, with
// UPDATE_FIXTURES=1, to test/fixtures/upload-page-phone.png, which is committed).
import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Browser, chromium, type Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createDepartment, financeToken, token, uniqueId } from './support.js';
import { SYSTEM_TODAY } from './today.js';

const YEAR = Number(SYSTEM_TODAY.slice(0, 4));
const BROWSER_TIMEOUT_MS = 90_000;
// biome-ignore lint/suspicious/noExplicitAny: API bodies
type Json = any;

function chromiumPath(): string {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    try {
      return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
    } catch {
      // next
    }
  }
  throw new Error('No Chromium on this machine: apt-get install -y chromium (see .ci/run)');
}

function ok(res: { status: number; text: string; json: Json }, status = 200): Json {
  expect(res.status, res.text).toBe(status);
  return res.json;
}

/** A real, if small, PDF of about `bytes` bytes (padded with a comment), so progress has something to show. */
function pdf(bytes: number): Buffer {
  const head = '%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% ';
  const tail = '\ntrailer << /Root 1 0 R >>\n%%EOF\n';
  return Buffer.from(head + 'x'.repeat(Math.max(0, bytes - head.length - tail.length)) + tail, 'latin1');
}

/** expect.poll waits 1 s by default: too little on a loaded machine. */
const waitLong = { timeout: BROWSER_TIMEOUT_MS, interval: 100 };

/** The text of an element (textContent: these elements hold text only). */
const text = (l: Locator) => l.textContent().then((t) => t ?? '');

let browser: Browser;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'bp-browser-'));
  browser = await chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    timeout: BROWSER_TIMEOUT_MS,
    // root in a container: no sandbox; no GPU; a small shared memory is enough
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
}, BROWSER_TIMEOUT_MS);

afterAll(async () => {
  await browser?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the upload page in a browser', () => {
  it(
    'uploads a plan from a phone: progress, success, the document received and the evaluation plan_submitted',
    async () => {
      const finance = await financeToken();
      const dept = await createDepartment(uniqueId('DB'));
      const bearer = await token({ role: 'department', departmentId: dept.id });
      const goals = ok(await api('/v1/indicator-templates?category=education', { token: finance })).goalSet;
      const p = ok(
        await api('/v1/projects', {
          token: bearer,
          body: {
            fiscalYear: YEAR,
            name: '学前教育',
            kind: 'project',
            isNew: false,
            requestedAmount: 500_000,
          },
        }),
        201,
      );
      ok(
        await api(`/v1/projects/${p.id}/goals`, {
          method: 'PUT',
          token: bearer,
          body: { overallGoal: '普惠', ...goals },
        }),
      );
      ok(await api(`/v1/projects/${p.id}/submit`, { method: 'POST', token: bearer }));
      ok(await api(`/v1/projects/${p.id}/goal-review`, { token: finance, body: { grade: 'excellent' } }));
      ok(await api(`/v1/projects/${p.id}/budget`, { token: finance, body: { approvedAmount: 500_000 } }));
      const agencyId = uniqueId('AB');
      ok(
        await api('/v1/agencies', {
          token: finance,
          body: {
            id: agencyId,
            name: '某某评估咨询有限公司',
            contactEmails: ['eval@agency.example.cn'],
            conflictDepartmentIds: [],
          },
        }),
        201,
      );
      const evaluator = await token({ role: 'evaluator', agencyId });
      const evaluation = ok(
        await api('/v1/evaluations', { token: finance, body: { projectId: p.id, agencyId } }),
        201,
      );

      const file = pdf(3 * 1024 * 1024);
      const filePath = path.join(dir, '评价方案.pdf');
      await writeFile(filePath, file);
      const link = ok(
        await api(`/v1/evaluations/${evaluation.id}/upload-links`, {
          token: evaluator,
          body: { kind: 'plan', fileName: '评价方案.pdf', contentType: 'application/pdf', size: file.length },
        }),
        201,
      );

      const context = await browser.newContext({
        viewport: { width: 390, height: 844 },
        deviceScaleFactor: 2,
        isMobile: true,
        hasTouch: true,
        locale: 'zh-CN',
      });
      try {
        const page = await context.newPage();
        page.setDefaultTimeout(BROWSER_TIMEOUT_MS);
        const percents: number[] = [];
        await page.exposeFunction('reportProgress', (p: string) => percents.push(Number(p)));
        const cspErrors: string[] = [];
        page.on('console', (m) => {
          if (m.type() === 'error') cspErrors.push(m.text());
        });

        const opened = await page.goto(link.pageUrl, { waitUntil: 'load' });
        expect(opened?.status()).toBe(200);
        await expect.poll(() => text(page.locator('h1')), waitLong).toContain('上传文件');
        // the script ran (the CSP admitted it): the countdown is filled in
        await expect.poll(() => text(page.locator('#left')), waitLong).toMatch(/剩余 \d+ 分 \d+ 秒/);
        await expect
          .poll(() => text(page.locator('time')), waitLong)
          .toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
        // nothing wider than the phone's screen
        expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);

        await page.setInputFiles('#file', filePath);
        const shot = path.resolve('test-results/upload-page-phone.png');
        await mkdir(path.dirname(shot), { recursive: true });
        await page.screenshot({ path: shot, fullPage: true });
        if (process.env.UPDATE_FIXTURES === '1')
          await copyFile(shot, path.resolve('test/fixtures/upload-page-phone.png'));

        // watch the progress bar the script moves
        // (a string: this runs in the page, where the DOM is)
        await page.evaluate(`(() => {
          const bar = document.getElementById('bar');
          new MutationObserver(() => {
            if (bar.dataset.percent) window.reportProgress(bar.dataset.percent);
          }).observe(bar, { attributes: true, attributeFilter: ['data-percent'] });
        })()`);
        await page.locator('button[type=submit]').tap();

        // the done page: the check's result, refreshed until the file is judged
        await page.waitForURL(/\?key=/, { timeout: BROWSER_TIMEOUT_MS });
        await expect
          .poll(() => text(page.locator('h1')), { timeout: BROWSER_TIMEOUT_MS, interval: 250 })
          .toContain('上传成功');
        const doneShot = path.resolve('test-results/upload-page-phone-done.png');
        await page.screenshot({ path: doneShot, fullPage: true });
        if (process.env.UPDATE_FIXTURES === '1') {
          await copyFile(doneShot, path.resolve('test/fixtures/upload-page-phone-done.png'));
        }
        expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
        expect(percents.length).toBeGreaterThan(0);
        expect(percents.at(-1)).toBe(100);
        expect(cspErrors.filter((t) => /Content Security Policy/i.test(t))).toEqual([]);

        const doc = ok(await api(`/v1/documents/${link.documentId}`, { token: evaluator }));
        expect(doc).toMatchObject({ status: 'received', size: file.length, contentType: 'application/pdf' });
        expect(await text(page.locator('p').first())).toContain(doc.sha256);
        const after = ok(await api(`/v1/evaluations/${evaluation.id}`, { token: evaluator }));
        expect(after).toMatchObject({ status: 'plan_submitted', planDocumentId: link.documentId });
      } finally {
        await context.close();
      }
    },
    4 * BROWSER_TIMEOUT_MS,
  );

  it(
    'refuses a file of another size before sending anything, with a clear message in both languages',
    async () => {
      // any pending document's page will do: an expenditure import's link is the simplest to get
      const dept = await createDepartment(uniqueId('DC'));
      const bearer = await token({ role: 'department', departmentId: dept.id });
      const link = ok(
        await api('/v1/expenditure-imports', { token: bearer, body: { fileName: 'x.csv', size: 1234 } }),
        201,
      );
      const filePath = path.join(dir, 'wrong.csv');
      await writeFile(filePath, 'voucherNo,projectId,date,amount\n');
      const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
      try {
        const page = await context.newPage();
        page.setDefaultTimeout(BROWSER_TIMEOUT_MS);
        await page.goto(link.pageUrl);
        await page.setInputFiles('#file', filePath);
        await page.locator('button[type=submit]').click();
        await expect
          .poll(() => text(page.locator('#status')), waitLong)
          .toMatch(/与申请时声明的 1234 字节不一致/);
        expect(await text(page.locator('#status'))).toMatch(/not the 1234 declared/);
        expect(page.url()).toBe(link.pageUrl);
        const doc = ok(await api(`/v1/documents/${link.documentId}`, { token: bearer }));
        expect(doc.status).toBe('pending');
      } finally {
        await context.close();
      }
    },
    2 * BROWSER_TIMEOUT_MS,
  );
});
