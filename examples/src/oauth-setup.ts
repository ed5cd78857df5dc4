import { LatchkeyClient } from '@latchkey/client';
import { runIfMain } from './hosts';

/**
 * "OAuth Token Management": the client id and secret are all Latchkey needs; the HubSpot
 * template is found from the host. Until someone connects (the link below, or the console's
 * Connect button), runs say that the integration needs connecting.
 */
export async function oauthSetup() {
  const latchkey = new LatchkeyClient({ apiKey: process.env.LATCHKEY_API_KEY });

  // Simple OAuth setup - Latchkey does the rest
  const integration = await latchkey.upsertIntegration('hubspot-oauth', {
    id: 'hubspot-oauth',
    name: 'HubSpot OAuth',
    urlHost: 'https://api.hubapi.com',
    credentials: {
      client_id: process.env.HUBSPOT_CLIENT_ID ?? 'your_hubspot_client_id',
      client_secret: process.env.HUBSPOT_CLIENT_SECRET ?? 'your_hubspot_client_secret',
      // Latchkey handles token refresh automatically
    },
    specificInstructions: 'Use OAuth2 with contacts and deals scopes',
  });

  // Where to send the account owner to connect HubSpot (once).
  const { url: connectUrl } = await latchkey.trpc.oauth.authorizeUrl.mutate({
    integrationId: 'hubspot-oauth',
  });

  // Use it in workflows - no token management needed
  const workflow = await latchkey.buildWorkflow({
    instruction: 'Get all HubSpot contacts created this month',
    integrationIds: ['hubspot-oauth'],
  });

  const result = await latchkey.executeWorkflow({ workflow });
  return { integration, connectUrl, workflow, result };
}

runIfMain(import.meta.url, oauthSetup);
