import { LatchkeyClient } from '@latchkey/client';

const client = new LatchkeyClient({ endpoint: 'http://127.0.0.1:3000', apiKey: 'key' });
export const result = client.upsertIntegration({ id: 123 });
