import { LatchkeyClient } from '@latchkey/client';
import { exampleDatabase, providerUrl, runIfMain } from './hosts';

/**
 * Approach 2, "Environment-Based Credentials": the integrations exist without secrets (here
 * created first), and every secret comes with the run.
 */
export async function runtimeCredentials() {
  const latchkey = new LatchkeyClient({ apiKey: process.env.LATCHKEY_API_KEY });
  await latchkey.upsertIntegration({
    id: 'stripe',
    urlHost: providerUrl('https://api.stripe.com'),
  });
  await latchkey.upsertIntegration({
    id: 'hubspot',
    urlHost: providerUrl('https://api.hubapi.com'),
    auth: { type: 'bearer' },
  });
  await latchkey.upsertIntegration({ id: 'postgresql', templateId: 'postgres' });

  // Store in environment variables (DATABASE_URL is the sample's name: set it to the
  // database the workflow should use, never to Latchkey's own)
  const db = exampleDatabase();
  process.env.STRIPE_SECRET_KEY ??= 'sk_live_...';
  process.env.HUBSPOT_API_KEY ??= 'pat-...';
  process.env.DATABASE_URL ??= `postgresql://${encodeURIComponent(db.user)}:${encodeURIComponent(db.password)}@${db.host}:${db.port}/${db.database}`;

  // First build the workflow
  const workflow = await latchkey.buildWorkflow({
    instruction: 'Sync Stripe customers to database via HubSpot',
    integrationIds: ['stripe', 'hubspot', 'postgresql'],
  });

  // Then execute with credentials passed at runtime
  const result = await latchkey.executeWorkflow({
    workflow,
    credentials: {
      stripe_secret_key: process.env.STRIPE_SECRET_KEY,
      hubspot_api_key: process.env.HUBSPOT_API_KEY,
      database_url: process.env.DATABASE_URL,
    },
  });
  return result;
}

runIfMain(import.meta.url, runtimeCredentials);
