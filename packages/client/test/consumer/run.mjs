// Runs in the temporary consumer project: the packed package loads and works at runtime.
import { LatchkeyClient, LatchkeyError } from '@latchkey/client';

const client = new LatchkeyClient({ endpoint: process.argv[2], apiKey: 'lk_consumer_test' });
const error = await client.health().catch((e) => e);
console.log(
  JSON.stringify({
    client: typeof LatchkeyClient,
    url: client.url,
    isLatchkeyError: error instanceof LatchkeyError,
    code: error.code,
  }),
);
