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
 */
const pad = (n: number, width: number) => String(n).padStart(width, '0');

export const keys = {
  department: (id: string) => ({ pk: `DEPT#${id}`, sk: 'DEPT', gsi1pk: 'DEPTS', gsi1sk: id }),
  departmentsPartition: 'DEPTS',
  agency: (id: string) => ({ pk: `AGENCY#${id}`, sk: 'AGENCY', gsi1pk: 'AGENCIES', gsi1sk: id }),
  agenciesPartition: 'AGENCIES',
  config: (fiscalYear: number, version: number) => ({ pk: `CONFIG#${fiscalYear}`, sk: `V#${pad(version, 6)}` }),
  configPartition: (fiscalYear: number) => `CONFIG#${fiscalYear}`,
  audit: (entityId: string, at: string, id: string) => ({ pk: `AUDIT#${entityId}`, sk: `${at}#${id}` }),
  idempotency: (sub: string, routeKey: string, key: string) => ({
    pk: `IDEM#${sub}#${routeKey}#${key}`,
    sk: 'IDEM',
  }),
};
