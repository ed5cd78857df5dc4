import { pathToFileURL } from 'node:url';

/**
 * Where a sample sends its requests. The samples use the providers' real hosts; the examples
 * test (and anyone without those accounts) points them at a stand-in with
 * `LATCHKEY_EXAMPLE_API_URL`. Databases come from `LATCHKEY_EXAMPLE_DB_*`.
 */
export function providerUrl(real: string): string {
  return process.env.LATCHKEY_EXAMPLE_API_URL ?? real;
}

/** The sample database's parts; the documentation's placeholders unless configured. */
export function exampleDatabase() {
  return {
    user: process.env.LATCHKEY_EXAMPLE_DB_USER ?? 'user',
    password: process.env.LATCHKEY_EXAMPLE_DB_PASSWORD ?? 'pass',
    host: process.env.LATCHKEY_EXAMPLE_DB_HOST ?? 'host',
    port: Number(process.env.LATCHKEY_EXAMPLE_DB_PORT ?? 5432),
    database: process.env.LATCHKEY_EXAMPLE_DB_NAME ?? 'db',
  };
}

/** Runs `main` when the file is run directly (`pnpm tsx examples/src/<sample>.ts`). */
export function runIfMain(moduleUrl: string, main: () => Promise<unknown>) {
  const entry = process.argv[1];
  if (!entry || moduleUrl !== pathToFileURL(entry).href) return;
  main().then(
    (result) => console.log(JSON.stringify(result, null, 2)),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exitCode = 1;
    },
  );
}
