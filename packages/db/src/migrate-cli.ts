import { createDb } from './client';
import { readDatabaseUrl } from './env';
import { migrateToLatest } from './migrate';

const db = createDb({ connectionString: readDatabaseUrl(), max: 1 });
try {
  const ran = await migrateToLatest(db);
  console.log(ran.length ? `migrated: ${ran.join(', ')}` : 'database is up to date');
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  await db.destroy();
}
