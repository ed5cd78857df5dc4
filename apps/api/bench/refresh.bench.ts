/**
 * The refresh storm: N concurrent runs that all find one connection's token expired, against
 * the same runs with a fresh token, in one process and run. Counts token endpoint calls (must
 * be 1 at every N). Writes bench/results/refresh.json.
 */

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestAuthorizationServer } from '@latchkey/oauth/testing';
import { round, startBenchStack, writeResult } from './stack';

const SIZES = (process.env.BENCH_REFRESH_SIZES ?? '10,100,500').split(',').map(Number);

const stack = await startBenchStack({ tenantActivityLimit: 50 });
const auth = await startTestAuthorizationServer({
  scopes: ['read'],
  accessTokenTtlSeconds: 3_600,
  clients: [
    {
      clientId: 'bench-app',
      clientSecret: 'bench-client-secret-value',
      redirectUris: [`${stack.publicUrl}/oauth/callback`],
      grantTypes: ['authorization_code', 'refresh_token'],
    },
  ],
});
const resource = createServer((req, res) => {
  const token = String(req.headers.authorization ?? '').replace(/^Bearer /, '');
  void auth.verifyAccessToken(token).then((check) => {
    res
      .writeHead(check.active ? 200 : 401, { 'content-type': 'application/json' })
      .end(JSON.stringify({ me: check.sub }));
  });
});
await new Promise<void>((resolve) => resource.listen(0, '127.0.0.1', resolve));

try {
  const { client, db } = stack;
  await client.upsertIntegration({
    id: 'crm',
    urlHost: `http://127.0.0.1:${(resource.address() as AddressInfo).port}`,
    auth: { type: 'oauth2' },
    oauth: {
      clientId: 'bench-app',
      clientSecret: 'bench-client-secret-value',
      authorizeUrl: auth.authorizeUrl,
      tokenUrl: auth.tokenUrl,
      scopes: ['read'],
    },
  });
  await client.buildWorkflow({
    id: 'me',
    instruction: 'who am I',
    integrationIds: ['crm'],
    steps: [{ id: 'me', integrationId: 'crm', method: 'GET', path: '/me' }],
  });
  const { url } = await client.trpc.oauth.authorizeUrl.mutate({
    integrationId: 'crm',
    userId: 'storm',
  });
  await fetch(await auth.loginAndConsent(url, { accountId: 'storm' }), { redirect: 'manual' });

  const burst = async (n: number) => {
    const started = performance.now();
    const runs = await Promise.all(
      Array.from({ length: n }, () =>
        client.executeWorkflow({ workflowId: 'me', userId: 'storm', timeoutMs: 600_000 }),
      ),
    );
    const failed = runs.filter((r) => r.status !== 'succeeded');
    if (failed.length) throw new Error(`${failed.length} runs failed: ${failed[0]?.error}`);
    return performance.now() - started;
  };
  await burst(10);

  const results = [];
  for (const n of SIZES) {
    const freshMs = await burst(n);
    await db
      .updateTable('connections')
      .set({ expires_at: new Date(Date.now() - 1_000) })
      .where('user_id', '=', 'storm')
      .execute();
    const calls = auth.tokenEndpointCalls();
    const stormMs = await burst(n);
    const entry = {
      n,
      token_calls: auth.tokenEndpointCalls() - calls,
      all_done_ms: round(stormMs),
      fresh_token_all_done_ms: round(freshMs),
    };
    results.push(entry);
    console.log(
      `n=${n}: token calls ${entry.token_calls} (target 1), all done ${entry.all_done_ms} ms vs ${entry.fresh_token_all_done_ms} ms fresh (ratio ${round(stormMs / freshMs)}, target <= 2)`,
    );
  }
  console.log(`wrote ${await writeResult('refresh.json', { runs: results })}`);
} finally {
  resource.close();
  await auth.close();
  await stack.stop();
}
