/**
 * The refresh storm: N concurrent runs that all find one connection's token expired, against
 * the same runs with a fresh token, in one process and run. Counts token endpoint calls (must
 * be 1 at every N). Then the same with tokens that live 5 seconds, as identity servers issue
 * them: 200 runs after a real expiry, where one token call per expiry is the target (a storm
 * that outlasts half the lifetime needs one more per half-life). Writes
 * bench/results/refresh.json.
 */

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestAuthorizationServer } from '@latchkey/oauth/testing';
import { connectInBrowser } from '../test/browser-flow';
import { round, startBenchStack, writeResult } from './stack';

const SIZES = (process.env.BENCH_REFRESH_SIZES ?? '10,100,500').split(',').map(Number);
const SHORT_LIVED_RUNS = Number(process.env.BENCH_SHORT_LIVED_RUNS ?? 200);
const SHORT_LIFETIME_S = 5;

const stack = await startBenchStack({ tenantActivityLimit: 50 });
const authServer = (accessTokenTtlSeconds: number) =>
  startTestAuthorizationServer({
    scopes: ['read'],
    accessTokenTtlSeconds,
    clients: [
      {
        clientId: 'bench-app',
        clientSecret: 'bench-client-secret-value',
        redirectUris: [`${stack.publicUrl}/oauth/callback`],
        grantTypes: ['authorization_code', 'refresh_token'],
      },
    ],
  });
const auth = await authServer(3_600);
const shortLived = await authServer(SHORT_LIFETIME_S);
// One API that accepts a live token of either server.
const resource = createServer((req, res) => {
  const token = String(req.headers.authorization ?? '').replace(/^Bearer /, '');
  void Promise.all([auth.verifyAccessToken(token), shortLived.verifyAccessToken(token)]).then(
    ([long, short]) => {
      const check = long.active ? long : short;
      res
        .writeHead(check.active ? 200 : 401, { 'content-type': 'application/json' })
        .end(JSON.stringify({ me: check.sub }));
    },
  );
});
await new Promise<void>((resolve) => resource.listen(0, '127.0.0.1', resolve));
const resourceUrl = `http://127.0.0.1:${(resource.address() as AddressInfo).port}`;
for (const url of [auth.tokenUrl, shortLived.tokenUrl, resourceUrl]) stack.allowEgress(url);

try {
  const { client, db } = stack;
  /** An OAuth integration on one of the servers, a workflow on it, and one connected user. */
  const connected = async (id: string, server: typeof auth) => {
    await client.upsertIntegration({
      id,
      urlHost: resourceUrl,
      auth: { type: 'oauth2' },
      oauth: {
        clientId: 'bench-app',
        clientSecret: 'bench-client-secret-value',
        authorizeUrl: server.authorizeUrl,
        tokenUrl: server.tokenUrl,
        scopes: ['read'],
      },
    });
    await client.buildWorkflow({
      id: `${id}-me`,
      instruction: 'who am I',
      integrationIds: [id],
      steps: [{ id: 'me', integrationId: id, method: 'GET', path: '/me' }],
    });
    const { url } = await client.trpc.oauth.authorizeUrl.mutate({
      integrationId: id,
      userId: 'storm',
    });
    await connectInBrowser(server, url, { accountId: 'storm' });
  };
  await connected('crm', auth);
  await connected('crm-short', shortLived);

  const burst = async (n: number, workflowId = 'crm-me') => {
    const started = performance.now();
    const runs = await Promise.all(
      Array.from({ length: n }, () =>
        client.executeWorkflow({ workflowId, userId: 'storm', timeoutMs: 600_000 }),
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
      .where('integration_id', '=', 'crm')
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

  // Tokens that live 5 s: a real expiry at the provider, then the storm.
  await burst(10, 'crm-short-me');
  await new Promise((resolve) => setTimeout(resolve, (SHORT_LIFETIME_S + 0.5) * 1_000));
  const shortCalls = shortLived.tokenEndpointCalls();
  const shortMs = await burst(SHORT_LIVED_RUNS, 'crm-short-me');
  const short = {
    lifetime_s: SHORT_LIFETIME_S,
    n: SHORT_LIVED_RUNS,
    token_calls: shortLived.tokenEndpointCalls() - shortCalls,
    all_done_ms: round(shortMs),
    // A storm longer than half the lifetime needs one call per half-life it spans.
    expiries_spanned: 1 + Math.floor(shortMs / ((SHORT_LIFETIME_S * 1_000) / 2)),
  };
  console.log(
    `${SHORT_LIFETIME_S} s tokens, n=${short.n}: token calls ${short.token_calls} in ${short.all_done_ms} ms (target: 1 per expiry, ${short.expiries_spanned} spanned)`,
  );
  console.log(
    `wrote ${await writeResult('refresh.json', { runs: results, short_lived: [short] })}`,
  );
} finally {
  resource.close();
  await Promise.all([auth.close(), shortLived.close()]);
  await stack.stop();
}
