import type { DbRoles } from './db-roles';

/** What the test run's global setup started, handed to every test file via vitest's inject. */
export interface TestServices {
  /** Admin URL (the `postgres` database) of the test run's PostgreSQL. */
  pgAdminUrl: string;
  /** A migrated database that each test file copies (CREATE DATABASE ... TEMPLATE). */
  templateDatabase: string;
  /** The run's owner role (migrations, DDL in tests) and application role (everything else). */
  dbRoles: DbRoles;
  temporalAddress: string;
  temporalNamespace: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    latchkey: TestServices;
  }
}
