import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import {
  dropRoles,
  ensureOwnedDatabase,
  ensureRoles,
  migrateAsOwner,
  newRoles,
  roleUrl,
} from './db-roles';
import { dropDatabase, redactUrl, startPostgres } from './postgres';
import { startTemporal } from './temporal';
import type {} from './test-services';

/**
 * Starts PostgreSQL (DATABASE_URL, else embedded) and Temporal (TEMPORAL_ADDRESS, else the
 * dev server) once per test run, migrates a template database as an owner role (tests connect
 * as the application role, see db-roles.ts), and stops it all at the end.
 * Names are random per run, so two runs on one machine never clash.
 */
export default async function setup(project: TestProject) {
  const runId = `${process.pid}_${randomBytes(3).toString('hex')}`;
  const started = Date.now();
  const postgres = await startPostgres({
    databaseUrl: process.env.DATABASE_URL,
    // Directly under the temp dir: the embedded server runs as `postgres`, which must reach it.
    dataDir: path.join(os.tmpdir(), `latchkey-test-pg-${runId}`),
    persistent: false,
    log: (line) => console.log(`[test services] ${line}`),
  });
  const templateDatabase = `latchkey_template_${runId}`;
  // Tests run as the application role, as the api and worker do; the owner role migrates.
  const dbRoles = newRoles(`_${runId}`);
  await ensureRoles(postgres.url, dbRoles);
  await ensureOwnedDatabase(postgres.url, templateDatabase, dbRoles);
  await migrateAsOwner(roleUrl(postgres.url, templateDatabase, dbRoles.owner), dbRoles);

  const temporal = await startTemporal({ address: process.env.TEMPORAL_ADDRESS, ui: false });
  console.log(
    `[test services] postgres ${redactUrl(postgres.url)}${postgres.embedded ? ' (embedded)' : ''}, ` +
      `temporal ${temporal.address}, ready in ${Date.now() - started} ms`,
  );
  project.provide('latchkey', {
    pgAdminUrl: postgres.url,
    templateDatabase,
    dbRoles,
    temporalAddress: temporal.address,
    temporalNamespace: temporal.namespace,
  });

  return async () => {
    await temporal.stop();
    await dropDatabase(postgres.url, templateDatabase).catch(() => {});
    await dropRoles(postgres.url, dbRoles).catch(() => {});
    await postgres.stop();
  };
}
