import * as z from 'zod';

/**
 * The S3 event notification (event version 2.x) as it reaches the upload-arrived function — from S3 in
 * AWS, from s3rver's in-process `event` locally: the parts the handler reads, checked at the edge. Other
 * fields pass through unchecked; an event without records (S3's `s3:TestEvent`) has none to handle.
 */
export const s3EventRecord = z.object({
  eventSource: z.literal('aws:s3'),
  eventName: z.string().min(1),
  eventTime: z.string().optional(),
  responseElements: z.object({ 'x-amz-request-id': z.string().optional() }).optional(),
  s3: z.object({
    bucket: z.object({ name: z.string().min(1) }),
    object: z.object({
      key: z.string().min(1),
      size: z.number().int().nonnegative().optional(),
      eTag: z.string().optional(),
      sequencer: z.string().optional(),
    }),
  }),
});
export type S3EventRecord = z.infer<typeof s3EventRecord>;

export const s3Event = z.object({ Records: z.array(s3EventRecord).default([]) });
export type S3Event = z.infer<typeof s3Event>;

export const isObjectCreated = (r: S3EventRecord) => r.eventName.startsWith('ObjectCreated:');

/**
 * The same notifications as they reach the function through a queue (S3 → SQS → Lambda in AWS; the local
 * runner's queue in the data folder): each SQS record's body is one S3 notification as JSON (or S3's
 * `s3:TestEvent`, which has no records). Only what the handler reads is checked here; the body is parsed
 * and checked per record, so one bad message fails alone.
 */
export const sqsRecord = z.object({
  messageId: z.string().min(1),
  eventSource: z.literal('aws:sqs'),
  body: z.string(),
});
export const sqsEvent = z.object({ Records: z.array(sqsRecord).min(1) });
export type SqsEvent = z.infer<typeof sqsEvent>;

/** An S3 notification from an SQS record's body, or why it is not one. */
export function s3EventOfBody(body: string): { event: S3Event } | { error: string } {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { error: 'the message body is not JSON' };
  }
  const parsed = s3Event.safeParse(json);
  if (!parsed.success) {
    return {
      error: `not an S3 event notification: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`,
    };
  }
  return { event: parsed.data };
}
