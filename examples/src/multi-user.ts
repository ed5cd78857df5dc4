import { LatchkeyClient } from '@latchkey/client';
import { providerUrl, runIfMain } from './hosts';
import { VaultService } from './vault-integration';

/** "Single User Scenarios": a dev integration's stored test credentials. */
export async function singleUser() {
  const latchkey = new LatchkeyClient({ apiKey: process.env.LATCHKEY_API_KEY });
  await latchkey.upsertIntegration({
    id: 'stripe-dev',
    urlHost: providerUrl('https://api.stripe.com'),
    credentials: { secret_key: process.env.STRIPE_TEST_KEY ?? 'sk_test_...' },
  });

  const workflow = await latchkey.buildWorkflow({
    instruction: 'Test Stripe integration',
    integrationIds: ['stripe-dev'], // Uses stored test credentials
  });

  return latchkey.executeWorkflow({ workflow });
}

/** "Multi-user Scenarios", first way: one integration per user. */
export async function oneIntegrationPerUser(userId: string) {
  const latchkey = new LatchkeyClient({ apiKey: process.env.LATCHKEY_API_KEY });
  await latchkey.upsertIntegration({
    id: `stripe-dev-${userId}`,
    urlHost: providerUrl('https://api.stripe.com'),
    credentials: { secret_key: process.env.STRIPE_TEST_KEY ?? `sk_test_of_${userId}` },
  });

  // One integration per user
  const workflow = await latchkey.buildWorkflow({
    instruction: 'Test Stripe integration',
    integrationIds: [`stripe-dev-${userId}`], // Uses user-specific test credentials
  });

  return latchkey.executeWorkflow({ workflow });
}

/** "Multi-user Scenarios", second way: one saved workflow, each user's credentials per run. */
export async function runtimePerUser(userId: string) {
  const latchkey = new LatchkeyClient({ apiKey: process.env.LATCHKEY_API_KEY });
  const vault = new VaultService();
  await latchkey.upsertIntegration({
    id: 'stripe',
    urlHost: providerUrl('https://api.stripe.com'),
  });
  const savedWorkflow = await latchkey.buildWorkflow({
    id: 'stripe-customers',
    instruction: 'Test Stripe integration',
    integrationIds: ['stripe'],
  });

  // Alternatively, use runtime credentials
  const credentials = await vault.getCredentials(userId, ['stripe_secret_key']);
  return latchkey.executeWorkflow({
    workflowId: savedWorkflow.id,
    credentials,
  });
}

runIfMain(import.meta.url, async () => ({
  singleUser: await singleUser(),
  perUser: await oneIntegrationPerUser('user-42'),
  runtime: await runtimePerUser('user-42'),
}));
