import { LatchkeyClient } from '@latchkey/client';
import { runIfMain } from './hosts';

/** Stands in for the application's own secret store (the sample's `./your-vault-service`). */
export class VaultService {
  async getCredentials(userId: string, names: string[]): Promise<Record<string, string>> {
    const prefix = `VAULT_${userId.toUpperCase().replace(/\W/g, '_')}_`;
    return Object.fromEntries(
      names.map((name) => [
        name,
        process.env[`${prefix}${name.toUpperCase()}`] ?? `${name}-of-${userId}`,
      ]),
    );
  }
}

/** Approach 2, "Vault Integration": the secrets stay in the caller's vault between runs. */
export class SecureWorkflowExecutor {
  private vault: VaultService;
  private latchkey: LatchkeyClient;

  constructor() {
    this.vault = new VaultService();
    this.latchkey = new LatchkeyClient({
      apiKey: process.env.LATCHKEY_API_KEY,
    });
  }

  async executeWorkflow(workflowId: string, userId: string) {
    // Fetch credentials securely from your vault
    const credentials = await this.vault.getCredentials(userId, [
      'stripe_key',
      'hubspot_token',
      'database_password',
    ]);

    // Execute with runtime credentials
    const result = await this.latchkey.executeWorkflow({
      workflowId,
      credentials: {
        stripe_secret_key: credentials.stripe_key,
        hubspot_api_key: credentials.hubspot_token,
        db_password: credentials.database_password,
      },
    });

    return result;
  }
}

runIfMain(import.meta.url, () =>
  new SecureWorkflowExecutor().executeWorkflow(
    process.argv[2] ?? 'stripe-customers',
    process.argv[3] ?? 'user-42',
  ),
);
