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
