import { LatchkeyClient } from '@latchkey/client';
import { runIfMain } from './hosts';
import { VaultService } from './vault-integration';

/**
 * "Database Connections", runtime credentials: "connect to different databases with one
 * workflow (e.g. one set of credentials for each user)". One integration without stored
 * secrets, one saved workflow, and each user's database URL from your own vault with each run.
 * Latchkey keeps none of it: the URL (password included) exists only for that run.
 */
export async function databasePerUser(userIds: string[]) {
  const latchkey = new LatchkeyClient({ apiKey: process.env.LATCHKEY_API_KEY });
  const vault = new VaultService();
  await latchkey.upsertIntegration({ id: 'user-db', templateId: 'postgres' });
  const savedWorkflow = await latchkey.buildWorkflow({
    id: 'user-db-query',
    instruction: 'Which database and user am I connected as?',
    integrationIds: ['user-db'],
    steps: [
      {
        id: 'whoami',
        type: 'sql',
        integrationId: 'user-db',
        sql: 'select current_database() as database, current_user as "user"',
      },
    ],
  });

  const results: Record<string, Awaited<ReturnType<typeof latchkey.executeWorkflow>>> = {};
  for (const userId of userIds) {
    // VAULT_<USER>_DATABASE_URL in this stand-in; your own secret store in an application.
    const { database_url } = await vault.getCredentials(userId, ['database_url']);
    results[userId] = await latchkey.executeWorkflow({
      workflowId: savedWorkflow.id,
      credentials: { database_url },
    });
  }
  return results;
}

runIfMain(import.meta.url, () => databasePerUser(process.argv.slice(2)));
