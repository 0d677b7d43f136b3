import * as z from 'zod';
import { lights } from './monitoring.js';

const light = z.enum(lights);

/** What a monitoring snapshot says of its project (the stored record adds the ids and the formula). */
export const snapshotSchema = z.object({
  asOf: z.string(),
  sweepId: z.string(),
  timeProgress: z.number(),
  timeProgressBasis: z.object({ months: z.int(), source: z.enum(['months', 'plan']) }),
  spentAmount: z.number(),
  approvedAmount: z.number(),
  executionRate: z.number(),
  executionIndex: z.number().nullable(),
  executionLight: light,
  goalLight: light,
  light,
  reportPeriod: z.string().nullable(),
  goalProgress: z.number().nullable(),
  divergence: z.boolean(),
  missingReports: z.array(z.string()),
  indicators: z.array(
    z.object({
      name: z.string(),
      operator: z.string(),
      target: z.union([z.number(), z.string()]).optional(),
      actual: z.number().optional(),
      tier: z.string().optional(),
      index: z.number().nullable(),
      light,
    }),
  ),
  configVersion: z.int(),
});

/** One point of the light history: what the dossier's chart needs of a snapshot, kept per project and day. */
export const lightPointSchema = z
  .object({
    asOf: z.string(),
    sweepId: z.string(),
    timeProgress: z.number(),
    executionRate: z.number(),
    executionIndex: z.number().nullable(),
    executionLight: light,
    goalLight: light,
    light,
    goalProgress: z.number().nullable(),
    divergence: z.boolean(),
    spentAmount: z.number(),
    approvedAmount: z.number(),
    configVersion: z.int(),
    /** When the sweep wrote it. */
    recordedAt: z.string(),
  })
  .meta({ id: 'DossierLightPoint' });
