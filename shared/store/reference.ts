import { agency, department } from '../domain/reference.js';
import { entityStore } from './entity-store.js';
import { keys } from './keys.js';

export const departments = entityStore({
  type: 'department',
  label: 'Department',
  schema: department,
  key: keys.department,
  listPartition: { index: 'gsi1', pk: keys.departmentsPartition },
});

export const agencies = entityStore({
  type: 'agency',
  label: 'Agency',
  schema: agency,
  key: keys.agency,
  listPartition: { index: 'gsi1', pk: keys.agenciesPartition },
});
