import type { Migration } from 'kysely';
import * as initial from './2026_11_25_0001_initial';
import * as platformTenant from './2026_11_25_0002_platform_tenant';
import * as runKeys from './2026_11_25_0003_run_keys';

/** Every migration, by name; names sort in the order they must run. */
export const migrations: Record<string, Migration> = {
  '2026_11_25_0001_initial': initial,
  '2026_11_25_0002_platform_tenant': platformTenant,
  '2026_11_25_0003_run_keys': runKeys,
};
