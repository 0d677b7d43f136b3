/**
 * The single-table key design, in one place (ElectroDB's way: entity prefixes in generic pk/sk and
 * gsi attributes). Every list the API offers is a Query on one of these partitions, never a Scan.
 *
 * | entity         | pk                         | sk                 | gsi1 (pk / sk)            | serves                      |
 * |----------------|----------------------------|--------------------|---------------------------|-----------------------------|
 * | department     | DEPT#<id>                  | DEPT               | DEPTS / <id>              | GET /v1/departments         |
 * | agency         | AGENCY#<id>                | AGENCY             | AGENCIES / <id>           | GET /v1/agencies            |
 * | rule config    | CONFIG#<year>              | V#<version 6 digits> | –                       | newest version first        |
 * | audit record   | AUDIT#<entityId>           | <at>#<uuid>        | –                         | GET /v1/audit?entityId=     |
 * | idempotency    | IDEM#<sub>#<route>#<key>   | IDEM               | –                         | Idempotency-Key replays     |
 * | expenditure    | PROJECT#<id>               | EXP#<voucherNo>    | –                         | a project's expenditures    |
 * | snapshot       | PROJECT#<id>               | MONITORING         | MON#<year> /              | flags of a year, by light   |
 * |                |                            |                    |   <light>#<dept>#<id>     |                             |
 * |                |                            |                    | gsi2: DEPT#<d>#MON#<year> | a department's flags; the   |
 * |                |                            |                    |   / <light>#<id>          |   sweep's "what changed"    |
 * | rectification  | RECT#<id>                  | RECT               | DEPT#<d>#RECTS / <status>#<issuedOn>#<id>; gsi2 RECTS / same |
 * | clawback       | CLAW#<id>                  | CLAW               | DEPT#<d>#CLAWS / <status>#<asOf>#<id>; gsi2 CLAWS / same     |
 * | monitoring rep.| PROJECT#<id>               | REPORT#<period>#<at> | –                       | a project's reports         |
 * | budget adjust. | PROJECT#<id>               | ADJ#<at>#<id>      | –                         | a project's adjustments     |
 * | sweep summary  | SWEEP#<sweepId>            | SWEEP              | SWEEPS / <asOf>#<startedAt> | the sweeps, newest first  |
 * | sweep dept.    | SWEEP#<sweepId>            | DEPT#<departmentId>| –                         | a department counted once   |
 * | sweep claim    | SWEEP#<sweepId>            | CLAIM#<departmentId>| –                        | who sweeps it, since when   |
 * | mail record    | MAIL#<scope>               | <key>              | –                         | once-only mails: a report   |
 * |                | (REPORT#<asOf>,            | (DEPT#<id>, BUREAU,|                           |   per department and asOf,  |
 * |                |  REMINDER#<noticeId>)      |  due-soon, overdue)|                           |   a reminder per notice/kind|
 * | document       | DOC#<id>                   | DOC                | –                         | GET /v1/documents/{id}; the |
 * |                |                            |                    |                           |   upload event (id in key)  |
 * | expend. import | IMPORT#<id>                | IMPORT             | –                         | GET /v1/expenditure-imports |
 * | import rows    | IMPORT#<id>                | ROWS#<first line, 8 digits> | –                | the rows' outcomes, one item|
 * |                |                            |                    |                           |   per chunk, in file order  |
 * | self-evaluation| PROJECT#<id>               | SELFEVAL           | once reviewed (sparse):   | the year's reviewed self-   |
 * |                |                            |                    |   REVIEWED#<year> /       |   evaluations (rankings,    |
 * |                |                            |                    |   <dept>#<projectId>      |   results), a dept's prefix |
 * | 3rd-party grade| PROJECT#<id>               | TPGRADE#<evalId>   | –                         | a project's approved grades |
 * | eval. change   | EVALYEAR#<year>            | CHANGE#<at>#<id>   | –                         | what changed under a year's |
 * |                |                            |                    |                           |   published bulletin        |
 * | bulletin       | BULLETIN#<year>            | BULLETIN           | –                         | the year's published ranking|
 * | evaluation     | EVAL#<id>                  | EVAL               | AGENCY#<a>#EVALS /        | an agency's evaluations     |
 * |                |                            |                    |   <commissionedAt>#<id>   |   (workload, scorecard)     |
 * |                |                            |                    | gsi2: EVALS /             | the bureau's list; a        |
 * |                |                            |                    |   <projectId>#<id>        |   project's evaluations     |
 * | supervision    | EVAL#<id>                  | SUP#<date>#<uuid>  | –                         | an evaluation's checks      |
 * | agency rating  | AGENCY#<id>                | RATING#<evalId>    | –                         | one per evaluation; scorecard|
 * | 3rd-party grade| PROJECT#<id>               | TPGRADE#<evalId>   | –                         | results (final grade)       |
 * | open eval guard| PROJECT#<id>               | OPENEVAL           | –                         | one open evaluation a project|
 * | light history  | PROJECT#<id>               | LIGHT#<asOf>       | –                         | a project's lights over time|
 * |                |                            |                    |                           |   (dossier), oldest first   |
 * | document index | (on the DOC item, sparse)  |                    | PROJECT#<id>#DOCS /       | a project's documents       |
 * |                |                            |                    |   <createdAt>#<docId>     |   (dossier), oldest first   |
 * | indicator tpl. | TEMPLATES                  | <fromYear>#<id>    | –                         | a year's library: from-years|
 * |                |                            |                    |                           |   up to it, one Query       |
 * | template name  | TEMPLATE-NAME#<name>       | NAME               | –                         | a name once in the library  |
 * | template usage | TEMPLATE-USAGE             | <templateId>#<year>| –                         | the counters of every       |
 * |                |                            |                    |                           |   template and year (ADD)   |
 * | project        | PROJECT#<id>               | PROJECT            | DEPT#<dept>#PROJECTS /    | a department's projects, by |
 * |                |                            |                    |   <year>#<status>#<id>    |   year and status (sweeps)  |
 * |                |                            |                    | gsi2: PROJECTS#<year> /   | the bureau's list of a year,|
 * |                |                            |                    |   <status>#<dept>#<id>    |   by status and department  |
 */
const pad = (n: number, width: number) => String(n).padStart(width, '0');

export const keys: Keys = {
  department: (id: string) => ({ pk: `DEPT#${id}`, sk: 'DEPT', gsi1pk: 'DEPTS', gsi1sk: id }),
  departmentsPartition: 'DEPTS',
  agency: (id: string) => ({ pk: `AGENCY#${id}`, sk: 'AGENCY', gsi1pk: 'AGENCIES', gsi1sk: id }),
  agenciesPartition: 'AGENCIES',
  config: (fiscalYear: number, version: number) => ({
    pk: `CONFIG#${fiscalYear}`,
    sk: `V#${pad(version, 6)}`,
  }),
  configPartition: (fiscalYear: number) => `CONFIG#${fiscalYear}`,
  audit: (entityId: string, at: string, id: string) => ({ pk: `AUDIT#${entityId}`, sk: `${at}#${id}` }),
  project: (id: string) => ({ pk: `PROJECT#${id}`, sk: 'PROJECT' }),
  projectIndexes: (p: { id: string; departmentId: string; fiscalYear: number; status: string }) => ({
    gsi1pk: keys.departmentProjects(p.departmentId),
    gsi1sk: `${p.fiscalYear}#${p.status}#${p.id}`,
    gsi2pk: keys.yearProjects(p.fiscalYear),
    gsi2sk: `${p.status}#${p.departmentId}#${p.id}`,
  }),
  departmentProjects: (departmentId: string) => `DEPT#${departmentId}#PROJECTS`,
  yearProjects: (fiscalYear: number) => `PROJECTS#${fiscalYear}`,
  expenditure: (projectId: string, voucherNo: string) => ({
    pk: `PROJECT#${projectId}`,
    sk: `EXP#${voucherNo}`,
  }),
  snapshot: (p: { projectId: string; departmentId: string; fiscalYear: number; light: string }) => ({
    pk: `PROJECT#${p.projectId}`,
    sk: 'MONITORING',
    gsi1pk: `MON#${p.fiscalYear}`,
    gsi1sk: `${p.light}#${p.departmentId}#${p.projectId}`,
    gsi2pk: keys.departmentSnapshots(p.departmentId, p.fiscalYear),
    gsi2sk: `${p.light}#${p.projectId}`,
  }),
  departmentSnapshots: (departmentId: string, fiscalYear: number) => `DEPT#${departmentId}#MON#${fiscalYear}`,
  yearSnapshots: (fiscalYear: number) => `MON#${fiscalYear}`,
  rectification: (id: string) => ({ pk: `RECT#${id}`, sk: 'RECT' }),
  rectificationIndexes: (r: { id: string; departmentId: string; status: string; issuedOn: string }) => ({
    gsi1pk: keys.departmentNotices(r.departmentId),
    gsi1sk: `${r.status}#${r.issuedOn}#${r.id}`,
    gsi2pk: keys.allNotices,
    gsi2sk: `${r.status}#${r.issuedOn}#${r.id}`,
  }),
  departmentNotices: (departmentId: string) => `DEPT#${departmentId}#RECTS`,
  allNotices: 'RECTS',
  departmentClawbacks: (departmentId: string) => `DEPT#${departmentId}#CLAWS`,
  allClawbacks: 'CLAWS',
  sweepsPartition: 'SWEEPS',
  clawback: (id: string) => ({ pk: `CLAW#${id}`, sk: 'CLAW' }),
  clawbackIndexes: (c: { id: string; departmentId: string; status: string; asOf: string }) => ({
    gsi1pk: keys.departmentClawbacks(c.departmentId),
    gsi1sk: `${c.status}#${c.asOf}#${c.id}`,
    gsi2pk: keys.allClawbacks,
    gsi2sk: `${c.status}#${c.asOf}#${c.id}`,
  }),
  monitoringReport: (projectId: string, period: string, at: string) => ({
    pk: `PROJECT#${projectId}`,
    sk: `REPORT#${period}#${at}`,
  }),
  budgetAdjustment: (projectId: string, at: string, id: string) => ({
    pk: `PROJECT#${projectId}`,
    sk: `ADJ#${at}#${id}`,
  }),
  sweep: (sweepId: string) => ({ pk: `SWEEP#${sweepId}`, sk: 'SWEEP' }),
  sweepIndexes: (s: { asOf: string; startedAt: string }) => ({
    gsi1pk: keys.sweepsPartition,
    gsi1sk: `${s.asOf}#${s.startedAt}`,
  }),
  document: (id: string) => ({ pk: `DOC#${id}`, sk: 'DOC' }),
  expenditureImport: (id: string) => ({ pk: `IMPORT#${id}`, sk: 'IMPORT' }),
  importRows: (importId: string, firstLine: number) => ({
    pk: `IMPORT#${importId}`,
    sk: `${keys.importRowsPrefix}${pad(firstLine, 8)}`,
  }),
  importRowsPrefix: 'ROWS#',
  mailRecord: (scope: string, key: string) => ({ pk: `MAIL#${scope}`, sk: key }),
  mailScope: (scope: string) => `MAIL#${scope}`,
  idempotency: (sub: string, routeKey: string, key: string) => ({
    pk: `IDEM#${sub}#${routeKey}#${key}`,
    sk: 'IDEM',
  }),
  projectSnapshot: (projectId: string) => ({ pk: `PROJECT#${projectId}`, sk: 'MONITORING' }),
  expendituresPrefix: 'EXP#',
  /** gsi1 sort key prefix of a department's projects of one year and status (`<year>#<status>#`). */
  projectsOfYearStatus: (fiscalYear: number, status: string) => `${fiscalYear}#${status}#`,
  /** Sort key prefix of the notice and clawback lists by status (`<status>#`). */
  statusPrefix: (status: string) => `${status}#`,
  /** Sort key prefix of the flags by light (`<light>#`). */
  lightPrefix: (light: string) => `${light}#`,
  /** The marker of a department counted in a sweep (a redelivered message counts nothing twice). */
  sweepDepartment: (sweepId: string, departmentId: string) => ({
    pk: `SWEEP#${sweepId}`,
    sk: `${keys.sweepDepartmentsPrefix}${departmentId}`,
  }),
  /** A requested run of the monitoring report mails (a job to follow). */
  reportEmailsJob: (jobId: string) => ({ pk: `MAILJOB#${jobId}`, sk: 'MAILJOB' }),
  /** Sort key prefix of the department markers in a sweep's partition. */
  sweepDepartmentsPrefix: 'DEPT#',
  /** The claim of a department of a sweep: which message's work sweeps it, since when. */
  sweepDepartmentClaim: (sweepId: string, departmentId: string) => ({
    pk: `SWEEP#${sweepId}`,
    sk: `${keys.sweepClaimsPrefix}${departmentId}`,
  }),
  /** Sort key prefix of the department claims in a sweep's partition. */
  sweepClaimsPrefix: 'CLAIM#',
  /** Mail scopes and keys (the record is keys.mailRecord(scope, key)): the reports of an asOf, a notice's reminders. */
  reportMailScope: (asOf: string) => `REPORT#${asOf}`,
  departmentReportMail: (departmentId: string) => `DEPT#${departmentId}`,
  bureauReportMail: 'BUREAU',
  reminderMailScope: (noticeId: string) => `REMINDER#${noticeId}`,
  /** The mails of one publication of a year's bulletin. */
  bulletinMailScope: (fiscalYear: number, publication: number) => `BULLETIN#${fiscalYear}#${publication}`,
  /** The "plan/report due" mails of one evaluation. */
  evaluationMailScope: (evaluationId: string) => `EVAL#${evaluationId}`,
  /** gsi1 sort key prefix of the sweeps of one day (`<asOf>#`), in the SWEEPS partition. */
  sweepsOfDay: (asOf: string) => `${asOf}#`,
  /** What GET /health reads (an item that never exists: the read proves the table answers). */
  health: { pk: 'HEALTH', sk: 'HEALTH' },
  selfEvaluation: (projectId: string) => ({ pk: `PROJECT#${projectId}`, sk: 'SELFEVAL' }),
  selfEvaluationIndexes: (e: {
    status: string;
    fiscalYear: number;
    departmentId: string;
    projectId: string;
  }) =>
    e.status === 'reviewed'
      ? { gsi1pk: keys.reviewedEvaluations(e.fiscalYear), gsi1sk: `${e.departmentId}#${e.projectId}` }
      : ({} as Record<string, string>),
  reviewedEvaluations: (fiscalYear: number) => `REVIEWED#${fiscalYear}`,
  evaluation: (id: string) => ({ pk: `EVAL#${id}`, sk: 'EVAL' }),
  evaluationIndexes: (e: { id: string; agencyId: string; projectId: string; commissionedAt: string }) => ({
    gsi1pk: keys.agencyEvaluations(e.agencyId),
    gsi1sk: `${e.commissionedAt}#${e.id}`,
    gsi2pk: keys.allEvaluations,
    gsi2sk: `${e.projectId}#${e.id}`,
  }),
  agencyEvaluations: (agencyId: string) => `AGENCY#${agencyId}#EVALS`,
  allEvaluations: 'EVALS',
  supervisionRecord: (evaluationId: string, date: string, id: string) => ({
    pk: `EVAL#${evaluationId}`,
    sk: `${keys.supervisionPrefix}${date}#${id}`,
  }),
  supervisionPrefix: 'SUP#',
  agencyRating: (agencyId: string, evaluationId: string) => ({
    pk: `AGENCY#${agencyId}`,
    sk: `${keys.agencyRatingPrefix}${evaluationId}`,
  }),
  agencyRatingPrefix: 'RATING#',
  thirdPartyGrade: (projectId: string, evaluationId: string) => ({
    pk: `PROJECT#${projectId}`,
    sk: `${keys.thirdPartyGradePrefix}${evaluationId}`,
  }),
  thirdPartyGradePrefix: 'TPGRADE#',
  evaluationChange: (fiscalYear: number, at: string, id: string) => ({
    pk: keys.evaluationChanges(fiscalYear),
    sk: `${keys.evaluationChangePrefix}${at}#${id}`,
  }),
  evaluationChanges: (fiscalYear: number) => `EVALYEAR#${fiscalYear}`,
  evaluationChangePrefix: 'CHANGE#',
  bulletin: (fiscalYear: number) => ({ pk: `BULLETIN#${fiscalYear}`, sk: 'BULLETIN' }),
  projectOpenEvaluation: (projectId: string) => ({ pk: `PROJECT#${projectId}`, sk: 'OPENEVAL' }),
  /** One point of a project's light history: the snapshot's lights as of one day (the dossier's chart). */
  lightHistory: (projectId: string, asOf: string) => ({
    pk: `PROJECT#${projectId}`,
    sk: `${keys.lightHistoryPrefix}${asOf}`,
  }),
  lightHistoryPrefix: 'LIGHT#',
  budgetAdjustmentPrefix: 'ADJ#',
  monitoringReportPrefix: 'REPORT#',
  /** A document of a project joins the project's list (gsi1, sparse: only documents with a project). */
  documentIndexes: (d: { id: string; projectId?: string; createdAt: string }) =>
    d.projectId !== undefined
      ? { gsi1pk: keys.projectDocuments(d.projectId), gsi1sk: `${d.createdAt}#${d.id}` }
      : ({} as Record<string, string>),
  projectDocuments: (projectId: string) => `PROJECT#${projectId}#DOCS`,
  /** The project's own partition (its items other than the project: expenditures, reports, …). */
  projectPartition: (projectId: string) => `PROJECT#${projectId}`,
  indicatorTemplate: (fromYear: number, id: string) => ({
    pk: keys.templatesPartition,
    sk: `${pad(fromYear, 4)}#${id}`,
  }),
  templatesPartition: 'TEMPLATES',
  /** The sort key range of the templates whose first year is `fiscalYear` or earlier. */
  templatesUpTo: (fiscalYear: number): [string, string] => ['0', `${pad(fiscalYear, 4)}#~`],
  templateName: (name: string) => ({ pk: `TEMPLATE-NAME#${name}`, sk: 'NAME' }),
  templateUsage: (templateId: string, fiscalYear: number) => ({
    pk: keys.templateUsagePartition,
    sk: `${templateId}#${pad(fiscalYear, 4)}`,
  }),
  templateUsagePartition: 'TEMPLATE-USAGE',
  /** gsi2 sort key prefix of a project's evaluations in the EVALS partition. */
  projectEvaluationsPrefix: (projectId: string) => `${projectId}#`,
};

interface Keys {
  department(id: string): { pk: string; sk: string; gsi1pk: string; gsi1sk: string };
  departmentsPartition: string;
  agency(id: string): { pk: string; sk: string; gsi1pk: string; gsi1sk: string };
  agenciesPartition: string;
  config(fiscalYear: number, version: number): { pk: string; sk: string };
  configPartition(fiscalYear: number): string;
  audit(entityId: string, at: string, id: string): { pk: string; sk: string };
  project(id: string): { pk: string; sk: string };
  projectIndexes(p: {
    id: string;
    departmentId: string;
    fiscalYear: number;
    status: string;
  }): Record<'gsi1pk' | 'gsi1sk' | 'gsi2pk' | 'gsi2sk', string>;
  departmentProjects(departmentId: string): string;
  yearProjects(fiscalYear: number): string;
  expenditure(projectId: string, voucherNo: string): { pk: string; sk: string };
  snapshot(p: {
    projectId: string;
    departmentId: string;
    fiscalYear: number;
    light: string;
  }): Record<'pk' | 'sk' | 'gsi1pk' | 'gsi1sk' | 'gsi2pk' | 'gsi2sk', string>;
  departmentSnapshots(departmentId: string, fiscalYear: number): string;
  yearSnapshots(fiscalYear: number): string;
  rectification(id: string): { pk: string; sk: string };
  rectificationIndexes(r: {
    id: string;
    departmentId: string;
    status: string;
    issuedOn: string;
  }): Record<string, string>;
  clawback(id: string): { pk: string; sk: string };
  departmentNotices(departmentId: string): string;
  allNotices: string;
  departmentClawbacks(departmentId: string): string;
  allClawbacks: string;
  sweepsPartition: string;
  clawbackIndexes(c: {
    id: string;
    departmentId: string;
    status: string;
    asOf: string;
  }): Record<string, string>;
  monitoringReport(projectId: string, period: string, at: string): { pk: string; sk: string };
  budgetAdjustment(projectId: string, at: string, id: string): { pk: string; sk: string };
  sweep(sweepId: string): { pk: string; sk: string };
  sweepIndexes(s: { asOf: string; startedAt: string }): Record<string, string>;
  document(id: string): { pk: string; sk: string };
  expenditureImport(id: string): { pk: string; sk: string };
  importRows(importId: string, firstLine: number): { pk: string; sk: string };
  importRowsPrefix: string;
  mailRecord(scope: string, key: string): { pk: string; sk: string };
  mailScope(scope: string): string;
  idempotency(sub: string, routeKey: string, key: string): { pk: string; sk: string };
  projectSnapshot(projectId: string): { pk: string; sk: string };
  expendituresPrefix: string;
  projectsOfYearStatus(fiscalYear: number, status: string): string;
  statusPrefix(status: string): string;
  lightPrefix(light: string): string;
  sweepDepartment(sweepId: string, departmentId: string): { pk: string; sk: string };
  sweepDepartmentsPrefix: string;
  sweepDepartmentClaim(sweepId: string, departmentId: string): { pk: string; sk: string };
  sweepClaimsPrefix: string;
  reportEmailsJob(jobId: string): { pk: string; sk: string };
  reportMailScope(asOf: string): string;
  departmentReportMail(departmentId: string): string;
  bureauReportMail: string;
  reminderMailScope(noticeId: string): string;
  bulletinMailScope(fiscalYear: number, publication: number): string;
  evaluationMailScope(evaluationId: string): string;
  sweepsOfDay(asOf: string): string;
  health: { pk: string; sk: string };
  selfEvaluation(projectId: string): { pk: string; sk: string };
  selfEvaluationIndexes(e: {
    status: string;
    fiscalYear: number;
    departmentId: string;
    projectId: string;
  }): Record<string, string>;
  reviewedEvaluations(fiscalYear: number): string;
  thirdPartyGrade(projectId: string, evaluationId: string): { pk: string; sk: string };
  thirdPartyGradePrefix: string;
  evaluationChange(fiscalYear: number, at: string, id: string): { pk: string; sk: string };
  evaluationChanges(fiscalYear: number): string;
  evaluationChangePrefix: string;
  bulletin(fiscalYear: number): { pk: string; sk: string };
  evaluation(id: string): { pk: string; sk: string };
  evaluationIndexes(e: {
    id: string;
    agencyId: string;
    projectId: string;
    commissionedAt: string;
  }): Record<'gsi1pk' | 'gsi1sk' | 'gsi2pk' | 'gsi2sk', string>;
  agencyEvaluations(agencyId: string): string;
  allEvaluations: string;
  supervisionRecord(evaluationId: string, date: string, id: string): { pk: string; sk: string };
  supervisionPrefix: string;
  agencyRating(agencyId: string, evaluationId: string): { pk: string; sk: string };
  agencyRatingPrefix: string;
  projectOpenEvaluation(projectId: string): { pk: string; sk: string };
  lightHistory(projectId: string, asOf: string): { pk: string; sk: string };
  lightHistoryPrefix: string;
  budgetAdjustmentPrefix: string;
  monitoringReportPrefix: string;
  documentIndexes(d: { id: string; projectId?: string; createdAt: string }): Record<string, string>;
  projectDocuments(projectId: string): string;
  projectPartition(projectId: string): string;
  projectEvaluationsPrefix(projectId: string): string;
  indicatorTemplate(fromYear: number, id: string): { pk: string; sk: string };
  templatesPartition: string;
  templatesUpTo(fiscalYear: number): [string, string];
  templateName(name: string): { pk: string; sk: string };
  templateUsage(templateId: string, fiscalYear: number): { pk: string; sk: string };
  templateUsagePartition: string;
}
