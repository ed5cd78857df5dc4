import { LatchkeyClient } from '@latchkey/client';
import { exampleDatabase, runIfMain } from './hosts';

/** "Database Connections": one workflow, stored credentials or each run's own. */
export async function database() {
  const latchkey = new LatchkeyClient({ apiKey: process.env.LATCHKEY_API_KEY });
  const { user, password, host, port, database } = exampleDatabase();

  // Stored credentials (connection string)
  await latchkey.upsertIntegration({
    id: 'main-db',
    urlHost: 'postgresql://<<user>>:<<password>>@<<host>>:<<port>>',
    urlPath: '/<<database_name>>',
    credentials: { user, password, host, port, database },
  });
  // The query the samples run by id.
  await latchkey.buildWorkflow({
    id: 'db-query',
    instruction: 'Count the tables in the public schema',
    integrationIds: ['main-db'],
    steps: [
      {
        id: 'tables',
        type: 'sql',
        integrationId: 'main-db',
        sql: "select count(*)::int as tables from information_schema.tables where table_schema = 'public'",
      },
    ],
  });

  const stored = await latchkey.executeWorkflow({
    workflowId: 'db-query',
    integrationIds: ['main-db'],
  });

  // Runtime credentials - this can be useful if you want to connect to different databases
  // with one workflow (e.g. one set of credentials for each user)
  const runtime = await latchkey.executeWorkflow({
    workflowId: 'db-query',
    credentials: { user, password, host, port, database },
  });
  return { stored, runtime };
}

runIfMain(import.meta.url, database);
