import { BULLETINS_PREFIX, UPLOADS_PREFIX } from '../../shared/docs/content-types.js';
import { PUBLIC_DATA_PREFIX } from '../../shared/docs/public-package.js';
import type { Area, RouteDef } from '../../shared/http/route.js';
import type { Access } from '../jobs/schedules.js';
import { routes as documentRoutes } from './documents.js';
import { routes as evaluationRoutes } from './evaluation.js';
import { routes as thirdPartyRoutes } from './evaluations.js';
import { routes as importRoutes } from './imports.js';
import { routes as metaRoutes } from './meta.js';
import { routes as monitoringRoutes } from './monitoring.js';
import { routes as projectRoutes } from './projects.js';
import { routes as referenceRoutes } from './reference.js';
import { routes as reportRoutes } from './reports.js';

/**
 * Every API area, each one Lambda function (its module exports `handler`). The CDK stack, the local
 * gateway and the OpenAPI document read this list; nothing else lists routes.
 */
export const apiAreas: Record<Area, { entry: string; routes: RouteDef[]; access: Access }> = {
  meta: { entry: 'functions/http/meta.ts', routes: metaRoutes, access: { table: 'read' } },
  reference: {
    entry: 'functions/http/reference.ts',
    routes: referenceRoutes,
    access: { table: 'readWrite' },
  },
  projects: { entry: 'functions/http/projects.ts', routes: projectRoutes, access: { table: 'readWrite' } },
  monitoring: {
    entry: 'functions/http/monitoring.ts',
    routes: monitoringRoutes,
    // A requested sweep goes through the sweep queue, like the scheduled ones.
    access: { table: 'readWrite', sendTo: ['sweep'] },
  },
  // Presigning signs with the function's own credentials: uploads need put, downloads get. Neither deletes.
  documents: {
    entry: 'functions/http/documents.ts',
    routes: documentRoutes,
    access: {
      table: 'readWrite',
      bucket: { put: [UPLOADS_PREFIX], get: [UPLOADS_PREFIX] },
      uploadPageSecret: true,
    },
  },
  // Presigns the CSV's upload only; the import reads it on arrival (functions/events/registry.ts).
  imports: {
    entry: 'functions/http/imports.ts',
    routes: importRoutes,
    access: { table: 'readWrite', bucket: { put: [UPLOADS_PREFIX] }, uploadPageSecret: true },
  },
  // The monitoring report mails: a requested run goes to the report-mails queue, whose worker sends them.
  reports: {
    entry: 'functions/http/reports.ts',
    routes: reportRoutes,
    access: { table: 'readWrite', sendTo: ['report-emails'] },
  },
  // Self-evaluation, review, rankings, bulletins (stored in the bucket and mailed), results; evidence uploads.
  evaluation: {
    entry: 'functions/http/evaluation.ts',
    routes: evaluationRoutes,
    access: {
      table: 'readWrite',
      bucket: { put: [UPLOADS_PREFIX, BULLETINS_PREFIX, PUBLIC_DATA_PREFIX] },
      uploadPageSecret: true,
      sendEmail: true,
    },
  },
  // Third-party evaluation: upload links (presigned with the function's credentials), the "due" mails.
  evaluations: {
    entry: 'functions/http/evaluations.ts',
    routes: thirdPartyRoutes,
    access: {
      table: 'readWrite',
      bucket: { put: [UPLOADS_PREFIX] },
      uploadPageSecret: true,
      sendEmail: true,
    },
  },
};

export const allRoutes: RouteDef[] = Object.values(apiAreas).flatMap((a) => a.routes);
