// The upload-arrived handler as the queue calls it (S3 → SQS → Lambda): one SQS record per S3 notification,
// answered with a partial batch response that names exactly the messages to receive again. No network:
// the table is a faked document client; the storage is never reached by these events.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createUploadArrivedHandler } from '../../functions/events/upload-arrived.js';
import { Db } from '../../shared/store/db.js';
import { testDeps } from '../support/deps.js';

const BUCKET = 'documents-unit';
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const dynamo = mockClient(doc);
const db = new Db(doc, 'test-table');
beforeAll(() => vi.stubEnv('BUCKET_NAME', BUCKET));
afterAll(() => vi.unstubAllEnvs());
afterEach(() => dynamo.reset());

const notification = (key: string) =>
  JSON.stringify({
    Records: [
      {
        eventSource: 'aws:s3',
        eventName: 'ObjectCreated:Post',
        s3: { bucket: { name: BUCKET }, object: { key, eTag: 'abc' } },
      },
    ],
  });

const sqsEvent = (messages: { id: string; body: string }[]): SQSEvent => ({
  Records: messages.map((m) => ({
    messageId: m.id,
    receiptHandle: `rh-${m.id}`,
    body: m.body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '0',
      SenderId: 'AIDA',
      ApproximateFirstReceiveTimestamp: '0',
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:upload-arrived',
    awsRegion: 'us-east-1',
  })),
});

const handler = createUploadArrivedHandler(testDeps({ db }));

describe('the upload-arrived handler fed by its queue', () => {
  it('names exactly the failed messages: the table failing for one, a body that is no notification', async () => {
    dynamo
      .on(GetCommand)
      .rejects(new Error('the table is unreachable'))
      .on(GetCommand, { Key: { pk: 'DOC#DOC-GONE', sk: 'DOC' } })
      .resolves({});

    const out = await handler(
      sqsEvent([
        { id: 'm-table-down', body: notification('uploads/DOC-1/a.pdf') },
        { id: 'm-no-document', body: notification('uploads/DOC-GONE/a.pdf') },
        { id: 'm-not-json', body: '{"Records": [' },
        { id: 'm-not-s3', body: JSON.stringify({ Records: [{ eventSource: 'aws:sns' }] }) },
        { id: 'm-other-key', body: notification('public-data/x.csv') },
        {
          id: 'm-test-event',
          body: JSON.stringify({ Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: BUCKET }),
        },
      ]),
    );

    expect(out).toEqual({
      batchItemFailures: [
        { itemIdentifier: 'm-table-down' },
        { itemIdentifier: 'm-not-json' },
        { itemIdentifier: 'm-not-s3' },
      ],
    });
    // Each document key was looked up once; the others never reached the table.
    expect(dynamo.commandCalls(GetCommand).map((c) => c.args[0].input.Key)).toEqual([
      { pk: 'DOC#DOC-1', sk: 'DOC' },
      { pk: 'DOC#DOC-GONE', sk: 'DOC' },
    ]);
  });

  it('answers an empty list when every message was handled', async () => {
    dynamo.on(GetCommand).resolves({});

    const out = await handler(
      sqsEvent([
        { id: 'a', body: notification('uploads/DOC-A/a.pdf') },
        { id: 'b', body: notification('uploads/DOC-B/b.pdf') },
      ]),
    );

    expect(out).toEqual({ batchItemFailures: [] });
    expect(dynamo.commandCalls(GetCommand)).toHaveLength(2);
  });

  it('still throws for a bare S3 notification whose record failed (an asynchronous invocation is retried)', async () => {
    dynamo.on(GetCommand).rejects(new Error('the table is unreachable'));

    await expect(handler(JSON.parse(notification('uploads/DOC-1/a.pdf')))).rejects.toThrow(/unreachable/);
  });
});
