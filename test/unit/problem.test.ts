import { describe, expect, it } from 'vitest';
import {
  Conflict,
  NotFound,
  PreconditionFailed,
  problemKinds,
  RuleViolation,
} from '../../shared/domain/errors.js';
import { openApiDocument } from '../../shared/http/openapi.js';
import { localeOf, problemBody, problemType, problemTypes } from '../../shared/http/problem.js';

describe('problem types', () => {
  it('are a fixed list of /problems/<kind> URIs (a portal branches on them: renaming one breaks it)', () => {
    expect(problemKinds.map(problemType)).toEqual([
      '/problems/validation',
      '/problems/unauthorized',
      '/problems/forbidden',
      '/problems/not-found',
      '/problems/method-not-allowed',
      '/problems/payload-too-large',
      '/problems/unsupported-media-type',
      '/problems/headers-too-large',
      '/problems/state-conflict',
      '/problems/duplicate',
      '/problems/idempotency-conflict',
      '/problems/idempotency-in-progress',
      '/problems/concurrent-change',
      '/problems/version-mismatch',
      '/problems/rule-violation',
      '/problems/internal',
    ]);
  });

  it('tell a state conflict from a duplicate from an idempotency clash', () => {
    expect(problemBody(new Conflict('not executing')).type).toBe('/problems/state-conflict');
    expect(problemBody(new Conflict('taken', undefined, 'duplicate')).type).toBe('/problems/duplicate');
    expect(problemBody(new Conflict('k', undefined, 'idempotency-conflict')).type).toBe(
      '/problems/idempotency-conflict',
    );
    expect(problemBody(new PreconditionFailed('v')).type).toBe('/problems/version-mismatch');
    expect(problemBody(new RuleViolation('r', [])).type).toBe('/problems/rule-violation');
    expect(problemBody(new NotFound('x')).type).toBe('/problems/not-found');
  });

  it('have a status and a title in both languages each', () => {
    for (const kind of problemKinds) {
      expect(problemTypes[kind].title['zh-CN']).not.toBe(problemTypes[kind].title.en);
    }
    expect(problemBody(new NotFound('x'), undefined, 'en').title).toBe('Not Found');
    expect(problemBody(new NotFound('x')).title).toBe('未找到');
  });

  it('are listed in the OpenAPI document’s Problem schema', () => {
    const doc = openApiDocument([], { title: 't', version: '1' }) as {
      components?: { schemas?: Record<string, { description?: string }> };
    };
    const description = doc.components?.schemas?.Problem?.description ?? '';
    for (const kind of problemKinds) expect(description).toContain(problemType(kind));
  });
});

describe('localeOf', () => {
  it.each([
    [undefined, 'zh-CN'],
    ['en', 'en'],
    ['en-US,en;q=0.9', 'en'],
    ['zh-CN,zh;q=0.9,en;q=0.8', 'zh-CN'],
    ['zh;q=0.5,en;q=0.9', 'en'],
    ['fr', 'zh-CN'],
    ['english', 'zh-CN'],
  ])('%s → %s', (header, locale) => {
    expect(localeOf(header)).toBe(locale);
  });
});
