import { createDb } from './client';
import { readDatabaseOwnerUrl, readDatabaseUrl } from './env';
import { migrateToLatest } from './migrate';
import { grantApplicationRole } from './roles';

// As the owner role when DATABASE_OWNER_URL is set; the role of DATABASE_URL then gets the
// application role's grants (idempotent), so it can use tables this run created.
const ownerUrl = readDatabaseOwnerUrl();
const appUrl = process.env.DATABASE_URL ? readDatabaseUrl() : undefined;
const db = createDb({ connectionString: ownerUrl ?? readDatabaseUrl(), max: 1 });
try {
  const ran = await migrateToLatest(db);
  console.log(ran.length ? `migrated: ${ran.join(', ')}` : 'database is up to date');
  const appRole = appUrl ? decodeURIComponent(new URL(appUrl).username) : '';
  if (ownerUrl && appRole && appRole !== decodeURIComponent(new URL(ownerUrl).username)) {
    await grantApplicationRole(db, appRole);
    console.log(`granted the application role ${appRole} its table rights`);
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  await db.destroy();
}
