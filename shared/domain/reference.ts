import * as z from 'zod';

/** Reference data: the budget departments and the third-party agencies, with their contact addresses. */
export const tenantId = z
  .string()
  .regex(/^[A-Za-z0-9-]{2,32}$/, '2–32 letters, digits or hyphens')
  .meta({ examples: ['D-EDU'] });

export const locales = ['zh-CN', 'en'] as const;
const name = z.string().trim().min(1).max(200);
const contactEmails = z.array(z.email()).min(1).max(20);

export const departmentInput = z
  .strictObject({
    id: tenantId,
    name,
    contactEmails,
    /** The language of the department's reports (zh-CN first). */
    locale: z.enum(locales).default('zh-CN'),
  })
  .meta({ id: 'DepartmentInput' });

export const departmentUpdate = departmentInput.omit({ id: true }).meta({ id: 'DepartmentUpdate' });

const recordMeta = {
  version: z.int().min(1),
  createdAt: z.string(),
  updatedAt: z.string(),
};

export const department = z
  .object({
    id: z.string(),
    name: z.string(),
    contactEmails: z.array(z.string()),
    locale: z.enum(locales),
    ...recordMeta,
  })
  .meta({ id: 'Department' });
export type Department = z.infer<typeof department>;

export const agencyInput = z
  .strictObject({
    id: tenantId.meta({ examples: ['A-01'] }),
    name,
    contactEmails,
    /** Departments the agency has a declared conflict of interest with: it may not evaluate their projects. */
    conflictDepartmentIds: z.array(tenantId).max(200).default([]),
  })
  .meta({ id: 'AgencyInput' });

export const agencyUpdate = agencyInput.omit({ id: true }).meta({ id: 'AgencyUpdate' });

export const agency = z
  .object({
    id: z.string(),
    name: z.string(),
    contactEmails: z.array(z.string()),
    conflictDepartmentIds: z.array(z.string()),
    ...recordMeta,
  })
  .meta({ id: 'Agency' });
export type Agency = z.infer<typeof agency>;
