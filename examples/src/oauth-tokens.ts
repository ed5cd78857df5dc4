import { LatchkeyClient } from '@latchkey/client';
import { providerUrl, runIfMain } from './hosts';

/** Stands in for the application's own token source (the sample's getValidHubSpotToken). */
async function getValidHubSpotToken(userId: string): Promise<string> {
  return process.env.HUBSPOT_USER_TOKEN ?? `pat-na1-token-of-${userId}`;
}

/** "OAuth APIs": tokens set by hand on the integration, or passed with one run. */
export async function oauthTokens(userId = 'user-42') {
  const latchkey = new LatchkeyClient({ apiKey: process.env.LATCHKEY_API_KEY });

  // Stored OAuth tokens
  const stored = await latchkey.upsertIntegration({
    id: 'hubspot-crm',
    credentials: {
      access_token: process.env.HUBSPOT_ACCESS_TOKEN ?? 'pat-na1-...', // optional - alternatively connect in the console
      refresh_token: process.env.HUBSPOT_REFRESH_TOKEN ?? 'refresh_token_here', // optional
      client_id: process.env.HUBSPOT_CLIENT_ID ?? 'your_app_client_id',
      client_secret: process.env.HUBSPOT_CLIENT_SECRET ?? 'your_app_client_secret',
    },
  });

  // The workflow the runtime sample runs, on an integration without stored secrets.
  await latchkey.upsertIntegration({
    id: 'hubspot',
    urlHost: providerUrl('https://api.hubapi.com'),
  });
  await latchkey.buildWorkflow({
    id: 'hubspot-sync',
    instruction: 'Get the HubSpot contacts',
    integrationIds: ['hubspot'],
  });

  // Runtime OAuth tokens
  const result = await latchkey.executeWorkflow({
    workflowId: 'hubspot-sync',
    credentials: {
      hubspot_token: await getValidHubSpotToken(userId),
    },
  });
  return { stored, result };
}

runIfMain(import.meta.url, oauthTokens);
