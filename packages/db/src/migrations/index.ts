import type { Migration } from 'kysely';
import * as initial from './2026_11_25_0001_initial';

/** Every migration, by name; names sort in the order they must run. */
export const migrations: Record<string, Migration> = {
  '2026_11_25_0001_initial': initial,
};
