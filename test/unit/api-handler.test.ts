import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import type { Deps } from '../../shared/deps.js';
import { RuleViolation, Unauthorized } from '../../shared/domain/errors.js';
import { createApiHandler, MAX_BODY_BYTES } from '../../shared/http/api-handler.js';
import type { TokenVerifier } from '../../shared/http/auth.js';
import { route } from '../../shared/http/route.js';
import { logger } from '../../shared/logger.js';
import { Db } from '../../shared/store/db.js';
import { testDeps } from '../support/deps.js';

// Unit tier: the middy stack driven with hand-built API Gateway v2 events; DynamoDB is a mock.
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const dynamo = mockClient(doc);
const deps: Deps = testDeps({ db: new Db(doc, 'test-table') });

const createThing = vi.fn(async (body: { name: string }) => ({ id: 'T-1', name: body.name, version: 1 }));

const routes = [
  route({
    area: 'reference',
    method: 'POST',
    path: '/t/things',
    roles: ['finance'],
    tags: ['test'],
    summary: 'create a thing',
    body: z.strictObject({ name: z.string() }),
    status: 201,
    handle: ({ body }) => createThing(body),
  }),
  route({
    area: 'reference',
    method: 'POST',
    path: '/t/department-only',
    roles: ['department'],
    tags: ['test'],
    summary: 'only departments',
    body: z.strictObject({ name: z.string() }),
    handle: async () => ({ ok: true }),
  }),
  route({
    area: 'reference',
    method: 'POST',
    path: '/t/rule',
    roles: ['finance'],
    tags: ['test'],
    summary: 'breaks a rule',
    async handle() {
      throw new RuleViolation('The goals are not measurable', [
        { path: 'indicators[0].unit', message: 'required' },
      ]);
    },
  }),
  route({
    area: 'reference',
    method: 'GET',
    path: '/t/boom',
    roles: ['finance'],
    tags: ['test'],
    summary: 'fails unexpectedly',
    async handle() {
      throw new Error('connection to db-secret-host refused');
    },
  }),
  route({
    area: 'reference',
    method: 'GET',
    path: '/t/things/{id}',
    roles: ['finance'],
    tags: ['test'],
    summary: 'one thing',
    params: z.strictObject({ id: z.string().max(64) }),
    handle: async ({ params }) => ({ id: params.id }),
  }),
  route({
    area: 'reference',
    method: 'PUT',
    path: '/t/versioned',
    roles: ['finance'],
    tags: ['test'],
    summary: 'returns a versioned resource and the If-Match it was given',
    handle: async ({ ifMatch }) => ({ id: 'V-1', version: 3, ifMatch: ifMatch ?? null }),
  }),
];

/**
 * The stack verifies bearer tokens itself; here a stand-in verifier reads the claims from the token
 * (base64url JSON), so each test names its claims. The real verifier (aws-jwt-verify) is tested in
 * jwt.test.ts.
 */
const claimsToken = (claims: Record<string, string>) =>
  Buffer.from(JSON.stringify(claims)).toString('base64url');
const verifier: TokenVerifier = {
  async verify(token) {
    try {
      return JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    } catch {
      throw new Unauthorized('The token is not valid (signature or format)');
    }
  },
};
const handler = createApiHandler(routes, () => deps, { verifier: () => verifier });
const context = { awsRequestId: 'req-1', functionName: 'test' } as Context;

interface EventOptions {
  body?: string;
  headers?: Record<string, string>;
  groups?: string;
  claims?: Record<string, string>;
  /** Send no Authorization header. */
  noToken?: boolean;
}

function event(routeKey: string, opts: EventOptions = {}): APIGatewayProxyEventV2 {
  const [method = 'GET', path = '/'] = routeKey.split(' ');
  return {
    version: '2.0',
    routeKey,
    rawPath: path,
    rawQueryString: '',
    headers: {
      host: 'api.example.cn',
      ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(opts.noToken
        ? {}
        : {
            authorization: `Bearer ${claimsToken(opts.claims ?? { sub: 'user-1', 'cognito:groups': opts.groups ?? '[finance]' })}`,
          }),
      ...opts.headers,
    },
    body: opts.body,
    isBase64Encoded: false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'api.example.cn',
      domainPrefix: 'api',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '10.0.0.1', userAgent: 'vitest' },
      requestId: 'req-1',
      routeKey,
      stage: '$default',
      time: '10/Mar/2026:08:00:00 +0000',
      timeEpoch: 1_773_129_600_000,
    },
  };
}

const call = (routeKey: string, opts?: EventOptions) => handler(event(routeKey, opts), context);
const json = (body: string | undefined) => JSON.parse(body ?? 'null');

beforeAll(() => {
  logger.setLogLevel('SILENT');
});

beforeEach(() => {
  dynamo.on(GetCommand).resolves({});
  dynamo.on(TransactWriteCommand).resolves({});
  dynamo.on(DeleteCommand).resolves({});
});

afterEach(() => {
  dynamo.reset();
  createThing.mockClear();
});

describe('the API stack: request checks', () => {
  it('answers malformed JSON with 400 problem+json naming the body', async () => {
    const res = await call('POST /t/things', { body: '{"name": ' });

    expect(res.statusCode).toBe(400);
    expect(res.headers?.['content-type']).toBe('application/problem+json');
    expect(json(res.body).errors[0].path).toBe('body');
  });

  it('answers an unknown body field with 400 naming the field', async () => {
    const res = await call('POST /t/things', { body: JSON.stringify({ name: 'a', colour: 'red' }) });

    expect(res.statusCode).toBe(400);
    expect(json(res.body).errors).toContainEqual({ path: 'colour', message: '未知字段' });
  });

  it("speaks English, zod's messages included, on Accept-Language: en", async () => {
    const res = await call('POST /t/things', {
      body: JSON.stringify({ name: 7, colour: 'red' }),
      headers: { 'accept-language': 'en-GB,en;q=0.9,zh;q=0.5' },
    });

    const problem = json(res.body);
    expect(problem).toMatchObject({ type: '/problems/validation', title: 'Bad Request' });
    expect(problem.detail).toBe('The body does not match the schema of this route');
    expect(problem.errors).toEqual(
      expect.arrayContaining([
        { path: 'colour', message: 'unknown field' },
        { path: 'name', message: 'Invalid input: expected string, received number' },
      ]),
    );
  });

  it("speaks zh-CN by default, zod's messages included", async () => {
    const res = await call('POST /t/things', { body: JSON.stringify({ name: 7 }) });

    const problem = json(res.body);
    expect(problem).toMatchObject({ type: '/problems/validation', title: '请求格式错误' });
    expect(problem.detail).toBe('请求体不符合此接口的格式要求');
    expect(problem.errors).toEqual([{ path: 'name', message: '无效输入：期望 string，实际接收 数字' }]);
  });

  it('answers no bearer token with 401 problem+json before it reads the body (401 wins over 400)', async () => {
    const res = await call('POST /t/things', { body: '{not json', noToken: true });

    expect(res.statusCode).toBe(401);
    expect(res.headers?.['content-type']).toBe('application/problem+json');
    expect(res.headers?.['www-authenticate']).toBe('Bearer');
    expect(json(res.body)).toMatchObject({ type: '/problems/unauthorized', status: 401, title: '未认证' });
  });

  it('answers an Idempotency-Key of a few KB with 400 naming the header', async () => {
    const res = await call('POST /t/things', {
      body: '{"name":"a"}',
      headers: { 'idempotency-key': 'k'.repeat(4096), 'accept-language': 'en' },
    });

    expect(res.statusCode).toBe(400);
    expect(json(res.body).errors[0].path).toBe('Idempotency-Key');
    expect(json(res.body).detail).toMatch(/1–128 characters/);
    expect(createThing).not.toHaveBeenCalled();
    expect(dynamo.commandCalls(GetCommand)).toHaveLength(0);
  });

  it('answers an Idempotency-Key with characters outside its set with 400', async () => {
    const res = await call('POST /t/things', {
      body: '{"name":"a"}',
      headers: { 'idempotency-key': 'a#b c' },
    });

    expect(res.statusCode).toBe(400);
  });

  it('answers a malformed % escape in a path parameter with 400, not 500', async () => {
    const res = await handler(
      { ...event('GET /t/things/{id}'), pathParameters: { id: '%E0%A4%A' } },
      context,
    );

    expect(res.statusCode).toBe(400);
    expect(json(res.body)).toMatchObject({ type: '/problems/validation' });
  });

  it('hands a percent-encoded path parameter to the handler decoded', async () => {
    const res = await handler({ ...event('GET /t/things/{id}'), pathParameters: { id: 'T%2D1' } }, context);

    expect(json(res.body)).toEqual({ id: 'T-1' });
  });

  it('answers a text/plain body with 415', async () => {
    const res = await call('POST /t/things', {
      body: '{"name":"a"}',
      headers: { 'content-type': 'text/plain' },
    });

    expect(res.statusCode).toBe(415);
  });

  it('accepts application/json with a charset', async () => {
    const res = await call('POST /t/things', {
      body: '{"name":"a"}',
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });

    expect(res.statusCode).toBe(201);
  });

  it('answers a body over 256 KiB with 413', async () => {
    const res = await call('POST /t/things', { body: JSON.stringify({ name: 'x'.repeat(MAX_BODY_BYTES) }) });

    expect(res.statusCode).toBe(413);
    expect(createThing).not.toHaveBeenCalled();
  });

  it('answers a role that is not allowed with 403', async () => {
    const res = await call('POST /t/department-only', { body: '{"name":"a"}', groups: '[finance]' });

    expect(res.statusCode).toBe(403);
  });

  it('answers a malformed body from the wrong role with 400 (400 wins over 403)', async () => {
    const res = await call('POST /t/department-only', { body: '{"name": ', groups: '[finance]' });

    expect(res.statusCode).toBe(400);
  });

  it('answers a text/plain body from the wrong role with 403 (415 comes after 403)', async () => {
    const res = await call('POST /t/department-only', {
      body: 'hello',
      headers: { 'content-type': 'text/plain' },
      groups: '[finance]',
    });

    expect(res.statusCode).toBe(403);
  });

  it('answers an oversized body from the wrong role with 403 (413 comes after 403)', async () => {
    const res = await call('POST /t/department-only', {
      body: 'x'.repeat(MAX_BODY_BYTES + 1),
      groups: '[finance]',
    });

    expect(res.statusCode).toBe(403);
  });

  it('answers claims without a subject with 401', async () => {
    const res = await call('POST /t/things', {
      body: '{"name":"a"}',
      claims: { 'cognito:groups': '[finance]' },
    });

    expect(res.statusCode).toBe(401);
  });

  it('answers If-Match: "x" with 400', async () => {
    const res = await call('PUT /t/versioned', { headers: { 'if-match': '"x"' } });

    expect(res.statusCode).toBe(400);
    expect(json(res.body).errors[0].path).toBe('If-Match');
  });

  it('hands the version of If-Match: "2" to the handler', async () => {
    const res = await call('PUT /t/versioned', { headers: { 'if-match': '"2"' } });

    expect(json(res.body).ifMatch).toBe(2);
  });

  it('answers a route it does not serve with 404', async () => {
    const res = await call('GET /t/nowhere');

    expect(res.statusCode).toBe(404);
  });
});

describe('the API stack: replies', () => {
  it('answers a thrown RuleViolation with 422 and its field errors', async () => {
    const res = await call('POST /t/rule');

    expect(res.statusCode).toBe(422);
    expect(json(res.body)).toMatchObject({
      status: 422,
      errors: [{ path: 'indicators[0].unit', message: 'required' }],
    });
  });

  it('answers an unexpected Error with 500 without leaking its message', async () => {
    const res = await call('GET /t/boom');

    expect(res.statusCode).toBe(500);
    expect(res.headers?.['content-type']).toBe('application/problem+json');
    expect(res.body).not.toContain('db-secret-host');
  });

  it('names the request in a problem', async () => {
    const res = await call('GET /t/boom');

    expect(json(res.body).instance).toBe('urn:request:req-1');
    expect(res.headers?.['x-request-id']).toBe('req-1');
  });

  it('sends the version of a returned body as its etag', async () => {
    const res = await call('PUT /t/versioned');

    expect(res.statusCode).toBe(200);
    expect(res.headers?.etag).toBe('"3"');
  });

  it('answers a route declared with status 201 with 201 and a JSON body', async () => {
    const res = await call('POST /t/things', { body: '{"name":"a"}' });

    expect(res.statusCode).toBe(201);
    expect(res.headers?.['content-type']).toMatch(/^application\/json/);
    expect(json(res.body)).toEqual({ id: 'T-1', name: 'a', version: 1 });
  });

  it('reads a base64-encoded body', async () => {
    const e = event('POST /t/things', { body: Buffer.from('{"name":"b64"}').toString('base64') });
    e.isBase64Encoded = true;

    const res = await handler(e, context);

    expect(json(res.body).name).toBe('b64');
  });

  it('touches no database without an Idempotency-Key', async () => {
    await call('POST /t/things', { body: '{"name":"a"}' });

    expect(dynamo.calls()).toHaveLength(0);
  });
});

describe('the API stack: Idempotency-Key', () => {
  const withKey = (body: string) => ({ body, headers: { 'idempotency-key': 'key-1' } });

  /** Runs a first request and returns the record it stored on completion. */
  async function firstRequest(body: string) {
    const res = await call('POST /t/things', withKey(body));
    const puts = dynamo
      .commandCalls(TransactWriteCommand)
      .map((c) => c.args[0].input.TransactItems?.[0]?.Put);
    dynamo.resetHistory();
    createThing.mockClear();
    return { res, puts, stored: puts.at(-1)?.Item };
  }

  it('runs the handler on the first call and stores its response', async () => {
    const { res, puts } = await firstRequest('{"name":"a"}');

    expect(res.statusCode).toBe(201);
    expect(puts).toHaveLength(2);
    expect(puts[0]).toMatchObject({
      Item: { status: 'in_progress' },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
    expect(puts[1]?.Item).toMatchObject({
      status: 'completed',
      response: { statusCode: 201, body: res.body },
    });
  });

  it('scopes the key to the caller and the route', async () => {
    await call('POST /t/things', withKey('{"name":"a"}'));

    expect(dynamo.commandCalls(GetCommand)[0]?.args[0].input.Key).toEqual({
      pk: 'IDEM#user-1#POST /t/things#key-1',
      sk: 'IDEM',
    });
  });

  it('replays the stored response without calling the handler', async () => {
    const first = await firstRequest('{"name":"a"}');
    dynamo.on(GetCommand).resolves({ Item: first.stored });

    const replay = await call('POST /t/things', withKey('{"name":"a"}'));

    expect(createThing).not.toHaveBeenCalled();
    expect(replay.statusCode).toBe(201);
    expect(replay.body).toBe(first.res.body);
    expect(replay.headers?.['idempotent-replayed']).toBe('true');
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('answers the same key with another body with 409', async () => {
    const first = await firstRequest('{"name":"a"}');
    dynamo.on(GetCommand).resolves({ Item: first.stored });

    const res = await call('POST /t/things', withKey('{"name":"b"}'));

    expect(res.statusCode).toBe(409);
    expect(createThing).not.toHaveBeenCalled();
  });

  it('forgets the key when the handler fails, so a corrected retry can run', async () => {
    await call('POST /t/rule', { body: '{}', headers: { 'idempotency-key': 'key-2' } });

    expect(dynamo.commandCalls(DeleteCommand)[0]?.args[0].input.Key).toEqual({
      pk: 'IDEM#user-1#POST /t/rule#key-2',
      sk: 'IDEM',
    });
  });

  it('does not claim the key for a request refused before the handler (403)', async () => {
    await call('POST /t/department-only', { ...withKey('{"name":"a"}'), groups: '[finance]' });

    expect(dynamo.calls()).toHaveLength(0);
  });
});
