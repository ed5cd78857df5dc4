import { LatchkeyClient } from '@latchkey/client';
import { providerUrl, runIfMain } from './hosts';

/** Approach 1, "Setup via SDK" and "Using Stored Credentials". */
export async function storedCredentials() {
  const latchkey = new LatchkeyClient({
    apiKey: process.env.LATCHKEY_API_KEY,
  });

  // Create integration with stored credentials
  await latchkey.upsertIntegration({
    id: 'my-stripe',
    name: 'Stripe Production',
    urlHost: providerUrl('https://api.stripe.com'),
    credentials: {
      stripe_secret_key: process.env.STRIPE_SECRET_KEY ?? 'sk_live_...', // This gets encrypted and stored
    },
    specificInstructions: 'Use live Stripe API with rate limiting',
  });

  // First build the workflow
  const workflow = await latchkey.buildWorkflow({
    instruction: 'Get all Stripe customers from last month',
    integrationIds: ['my-stripe'], // Uses stored credentials automatically
    responseSchema: {
      type: 'object',
      properties: {
        customers: {
          type: 'array',
          items: { type: 'object' },
        },
      },
    },
  });

  // Then execute it
  const result = await latchkey.executeWorkflow({
    workflow,
  });
  return result;
}

runIfMain(import.meta.url, storedCredentials);
