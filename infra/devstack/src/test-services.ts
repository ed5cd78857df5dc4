/** What the test run's global setup started, handed to every test file via vitest's inject. */
export interface TestServices {
  /** Admin URL (the `postgres` database) of the test run's PostgreSQL. */
  pgAdminUrl: string;
  /** A migrated database that each test file copies (CREATE DATABASE ... TEMPLATE). */
  templateDatabase: string;
  temporalAddress: string;
  temporalNamespace: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    latchkey: TestServices;
  }
}
