import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { Conflict, NotFound, PreconditionFailed, RuleViolation } from '../../shared/domain/errors.js';
import { catalogueZh, inLocale } from '../../shared/http/messages.js';
import { problemBody } from '../../shared/http/problem.js';
import { parseOr400 } from '../../shared/http/validation.js';
import { repoRoot, sourceFiles } from './source-files.js';

const CJK = /[\u3400-\u9fff]/;

/**
 * Every message the code throws or names a failing field with, as written: the literal (or the literals
 * joined by `+`) after `new <Error>(`, `message:` or `conflict:`, each `${…}` replaced by `7`.
 */
function thrownMessages(): { file: string; text: string; notFound: boolean }[] {
  const out: { file: string; text: string; notFound: boolean }[] = [];
  const start =
    /(new (NotFound|Conflict|RuleViolation|BadRequest|PreconditionFailed|Forbidden|ConcurrentChange|Unauthorized|UnsupportedMediaType)\(\s*|\bmessage: |\bconflict: )(?=[`'])/g;
  for (const file of [...sourceFiles('shared'), ...sourceFiles('functions')]) {
    if (file.startsWith('shared/http/messages.ts')) continue;
    const src = readFileSync(path.join(repoRoot, file), 'utf8');
    for (const m of src.matchAll(start)) {
      let i = m.index + m[0].length;
      let text = '';
      for (;;) {
        const [piece, end] = literalAt(src, i);
        text += piece;
        const rest = /^\s*\+\s*(?=[`'])/.exec(src.slice(end));
        if (!rest) break;
        i = end + rest[0].length;
      }
      out.push({ file, text, notFound: m[2] === 'NotFound' });
    }
  }
  return out;
}

/** The string or template literal at `i`, its `${…}` as `7`, and where it ends. */
function literalAt(src: string, i: number): [string, number] {
  const quote = src[i]!;
  let text = '';
  let j = i + 1;
  while (src[j] !== quote) {
    if (src[j] === '\\') {
      text += src[j + 1];
      j += 2;
    } else if (quote === '`' && src.startsWith('${', j)) {
      let depth = 1;
      j += 2;
      while (depth > 0) {
        if (src[j] === '{') depth++;
        if (src[j] === '}') depth--;
        j++;
      }
      text += '7';
    } else {
      text += src[j++];
    }
  }
  return [text, j + 1];
}

describe('messages in the client’s language', () => {
  it('knows the zh-CN of every message the code throws in English only', () => {
    const messages = thrownMessages();
    const unknown = messages
      .map((m) => ({ ...m, text: m.notFound ? `${m.text} was not found` : m.text }))
      .filter((m) => !CJK.test(m.text) && catalogueZh(m.text) === undefined)
      .map((m) => `${m.file}: ${m.text}`);

    expect(messages.length).toBeGreaterThan(100);
    expect(unknown).toEqual([]);
  });

  it('names a thing not found in Chinese, and leaves its id', () => {
    const body = problemBody(new NotFound('Project P2026-ABC'), undefined, 'zh-CN');

    expect(body.detail).toBe('未找到项目 P2026-ABC');
    expect(problemBody(new NotFound('Project P2026-ABC'), undefined, 'en').detail).toBe(
      'Project P2026-ABC was not found',
    );
  });

  it('says a state conflict in Chinese, with the statuses named', () => {
    const err = new Conflict('The project is executing; to submit it must be draft or returned');

    expect(problemBody(err, undefined, 'zh-CN').detail).toBe(
      '项目当前状态为执行中（executing）；提交须在草稿（draft）或已退回（returned）状态',
    );
  });

  it('translates a field error of a rule, and a version mismatch', () => {
    const err = new RuleViolation('The expenditure breaks a rule', [
      { path: 'date', message: 'must not be after today (2026-11-28)' },
    ]);

    expect(problemBody(err, undefined, 'zh-CN')).toMatchObject({
      detail: '支出不符合业务规则',
      errors: [{ path: 'date', message: '不得晚于今天（2026-11-28）' }],
    });
    expect(
      problemBody(new PreconditionFailed('Project P1 is at version 4, not 3 as If-Match says; reload it'))
        .detail,
    ).toBe('项目 P1当前为版本 4，而非 If-Match 所示的 3；请重新读取');
  });

  it('leaves the Chinese of a bilingual message out in English, and keeps only it in zh-CN when unknown', () => {
    const text = 'Project P1 has no self-evaluation to review yet (尚未提交自评)';

    expect(inLocale(text, 'en')).toBe('Project P1 has no self-evaluation to review yet');
    expect(inLocale(text, 'zh-CN')).toBe('尚未提交自评');
  });

  it('keeps a message that is Chinese already as it is', () => {
    expect(inLocale('最多两位小数（元、分）', 'zh-CN')).toBe('最多两位小数（元、分）');
  });

  it('speaks zod’s messages in zh-CN by default and in English on request', () => {
    const schema = z.strictObject({ name: z.string() });
    const zh = () => parseOr400(schema, { name: 3 }, '', 'body', 'zh-CN');
    const en = () => parseOr400(schema, { name: 3 }, '', 'body', 'en');

    expect(zh).toThrow(
      expect.objectContaining({ errors: [expect.objectContaining({ message: expect.stringMatching(CJK) })] }),
    );
    expect(en).toThrow(
      expect.objectContaining({
        errors: [expect.objectContaining({ message: expect.not.stringMatching(CJK) })],
      }),
    );
  });
});
