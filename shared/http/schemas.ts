import * as z from 'zod';
import { mailKinds } from '../domain/mail-record.js';
import { problemTypeList } from './problem-types.js';

/** Shapes shared by many routes: paging, ids in paths, the problem document. */
export const pageQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(50).meta({ description: 'Items per page (1–100)' }),
  nextToken: z.string().max(2048).optional().meta({ description: 'The nextToken of the previous page' }),
});

export function pageOf<T extends z.ZodType>(item: T) {
  return z.strictObject({
    items: z.array(item),
    nextToken: z.string().optional().meta({ description: 'Absent on the last page' }),
  });
}

/**
 * The size of a file to upload, declared when its link is asked for (bytes): 0 to 5 GiB, the largest object a
 * presigned POST can put into S3. What each kind of upload may be (e.g. at most 50 MiB, at least 1 byte) is
 * the rule the use case checks (422).
 */
export const uploadSize = z
  .int()
  .min(0)
  .max(5 * 1024 ** 3)
  .meta({ description: 'Bytes; the upload must be exactly this size' });

/** Money in a reply: yuan with at most two decimals (from integer fen). */
export const amount = z.number().meta({ description: 'Amount in yuan (CNY), at most two decimals' });

/** A timestamp in a reply (ISO 8601). */
export const timestamp = z.string().meta({ description: 'ISO 8601 timestamp' });

/** One mail of a delivery: its kind, recipients and what it is about. */
export const mailOutcome = z.strictObject({
  kind: z.enum(mailKinds),
  to: z.array(z.string()),
  departmentId: z.string().optional().meta({ description: 'Absent for the bureau’s own mail' }),
  noticeId: z.string().optional().meta({ description: 'The notice the mail is about, if any' }),
});

/** What a delivery of mails did (shared/mail/delivery.ts's DeliveryReport). */
export const deliveryReport = z
  .strictObject({
    sent: z.array(mailOutcome.extend({ messageId: z.string() })),
    alreadySent: z.array(
      mailOutcome.extend({ messageId: z.string().optional(), sentAt: z.string().optional() }),
    ),
    failed: z.array(mailOutcome.extend({ error: z.string(), attempts: z.int() })),
    inProgress: z
      .array(mailOutcome.extend({ since: z.string() }))
      .meta({ description: 'Claimed by another run moments ago (that run sends them)' }),
  })
  .meta({ id: 'DeliveryReport' });

export const idParams = z.strictObject({ id: z.string().min(1).max(64) });

/**
 * A fiscal year in a path or a query, where every value is text: coerced to a number. In a JSON body a
 * number must be a number ("2026" is refused): `fiscalYearInBody`.
 */
export const fiscalYear = z.coerce
  .number()
  .int()
  .min(2000)
  .max(2100)
  .meta({ examples: [2026] });

/** A fiscal year in a JSON body: a whole number, never a string that looks like one. */
export const fiscalYearInBody = z
  .int()
  .min(2000)
  .max(2100)
  .meta({ examples: [2026] });

export const problem = z
  .strictObject({
    type: z.string().meta({ description: 'A stable URI reference per kind of problem (see the list above)' }),
    title: z.string(),
    status: z.int(),
    detail: z.string(),
    errors: z
      .array(
        z.strictObject({
          path: z.string().meta({ description: 'The failing field, e.g. `indicators[3].unit`, or `body`' }),
          message: z.string().meta({ description: 'In the language of the reply' }),
          rule: z.string().optional().meta({ description: 'The rule of a catalogue (the goal lint)' }),
          severity: z.enum(['error', 'warning']).optional(),
          messages: z
            .strictObject({ 'zh-CN': z.string(), en: z.string() })
            .optional()
            .meta({ description: 'The message in both languages' }),
        }),
      )
      .optional(),
    instance: z.string().optional().meta({ description: 'urn:request:<id>, the request in our logs' }),
  })
  .meta({
    id: 'Problem',
    description:
      'application/problem+json (RFC 9457). `title`, `detail` and field messages are zh-CN, or English on ' +
      '`Accept-Language: en`. `type` names the kind of problem, relative to the API:\n' +
      problemTypeList()
        .map((line) => `- ${line}`)
        .join('\n'),
  });
