import { type IntegrationUpsertInput, LatchkeyClient, type LatchkeyError } from '@latchkey/client';
import { testServices } from '@latchkey/devstack/test-db';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './harness';
import { json, type LoopbackServer, startLoopbackServer } from './loopback';
import { startTestWorker } from './worker-harness';

/**
 * A hostile tenant points steps, redirects, databases and OAuth endpoints at the platform and
 * its network. Every attempt must fail at once, with a message naming the step, the host and
 * the reason; the operator's allowlist opens exactly the address and port it names.
 */
describe('tenant egress: default deny, the allowlist port by port, the platform never', () => {
  let api: TestApi;
  let worker: Awaited<ReturnType<typeof startTestWorker>>;
  let allowed: LoopbackServer;
  let inside: LoopbackServer;
  let tenant: LatchkeyClient;
  const FIX = 'an operator can allow it with LATCHKEY_EGRESS_ALLOW';

  beforeAll(async () => {
    api = await startTestApi();
    worker = await startTestWorker(api);
    // Not allowed: stands in for an internal service on the same machine.
    inside = await startLoopbackServer((_req, res) => json(res, 200, { internal: 'secret' }));
    allowed = await startLoopbackServer((req, res) => {
      if (req.path === '/bounce') {
        res.writeHead(302, { location: `${inside.url}/admin` }).end();
        return;
      }
      json(res, 200, { ok: true, path: req.path });
    });
    api.allowEgress(allowed.url);
    tenant = new LatchkeyClient({
      endpoint: api.url.replace(/\/trpc$/, ''),
      apiKey: (await api.createTenant('hostile')).apiKey,
    });
    // Destinations from runtime credentials: the upsert cannot see them, the step must.
    await tenant.upsertIntegration({
      id: 'anywhere',
      urlHost: 'http://<<host>>:<<port>>',
      auth: { type: 'none' },
    });
    await tenant.upsertIntegration({
      id: 'anydb',
      urlHost: 'postgresql://<<user>>:<<password>>@<<host>>:<<port>>',
      urlPath: '/<<database>>',
      auth: { type: 'database' },
    });
  });
  afterAll(async () => {
    await worker?.stop();
    await allowed?.close();
    await inside?.close();
    await api?.close();
  });

  const upsertError = async (input: IntegrationUpsertInput) => {
    try {
      await tenant.upsertIntegration(input);
    } catch (error) {
      return error as LatchkeyError;
    }
    throw new Error(`upsert of ${input.urlHost} was accepted`);
  };

  it('refuses a literal urlHost on a refused address at upsert, in every spelling', async () => {
    const port = new URL(inside.url).port;
    const cases: [string, string][] = [
      [`http://127.0.0.1:${port}`, `127.0.0.1:${port}`],
      [`http://127.1:${port}`, `127.0.0.1:${port}`],
      [`http://2130706433:${port}`, `127.0.0.1:${port}`],
      [`http://0x7f.1:${port}`, `127.0.0.1:${port}`],
      [`http://0.0.0.0:${port}`, `0.0.0.0:${port}`],
      [`http://[::1]:${port}`, `[::1]:${port}`],
      [`http://[::ffff:127.0.0.1]:${port}`, `[::ffff:7f00:1]:${port}`],
      [`http://[64:ff9b::7f00:1]:${port}`, `[64:ff9b::7f00:1]:${port}`],
      [`http://localhost:${port}`, `localhost:${port}`],
      ['http://169.254.169.254/latest/meta-data', '169.254.169.254:80'],
      ['https://10.0.0.1', '10.0.0.1:443'],
      ['https://100.64.0.1', '100.64.0.1:443'],
      ['https://[fd00:ec2::254]', '[fd00:ec2::254]:443'],
      ['postgresql://app@127.0.0.1:5432', '127.0.0.1:5432'],
    ];
    for (const [urlHost, where] of cases) {
      const error = await upsertError({ id: 'probe', urlHost, auth: { type: 'none' } });
      expect(error.code, urlHost).toBe('BAD_REQUEST');
      expect(error.message, urlHost).toContain(`urlHost: egress to ${where}`);
      expect(error.message, urlHost).toContain('refused:');
    }
    expect(inside.requests).toHaveLength(0);
  });

  it('accepts the allowed address and port, and refuses another port on the same address', async () => {
    await tenant.upsertIntegration({ id: 'ok', urlHost: allowed.url, auth: { type: 'none' } });
    const error = await upsertError({ id: 'no', urlHost: inside.url, auth: { type: 'none' } });
    expect(error.message).toBe(
      `urlHost: egress to 127.0.0.1:${new URL(inside.url).port} refused: loopback address; ${FIX}`,
    );
    const run = await tenant.executeWorkflow({
      workflow: {
        instruction: 'call the allowed server',
        integrationIds: ['ok'],
        steps: [{ id: 'call', integrationId: 'ok', path: '/hello' }],
      },
    });
    expect(run.status).toBe('succeeded');
    expect(run.output).toEqual({ ok: true, path: '/hello' });
  });

  /** A two-step run (steps as activities), so its history shows attempts and retry state. */
  const runAt = async (
    integrationId: string,
    credentials: Record<string, string>,
    stepId = 'x',
  ) => {
    const step =
      integrationId === 'anydb'
        ? { id: stepId, type: 'sql' as const, integrationId, sql: 'select name from tenants' }
        : { id: stepId, integrationId, path: '/admin' };
    const run = await tenant.executeWorkflow({
      workflow: {
        instruction: 'reach inside',
        integrationIds: [integrationId, 'ok'],
        steps: [step, { id: 'after', integrationId: 'ok', path: '/after' }],
      },
      credentials,
    });
    const history = await (await api.temporal()).workflow
      .getHandle(run.temporal.workflowId)
      .fetchHistory();
    const started = (history.events ?? []).flatMap((e) =>
      e.activityTaskStartedEventAttributes ? [e.activityTaskStartedEventAttributes] : [],
    );
    const failed = (history.events ?? []).flatMap((e) =>
      e.activityTaskFailedEventAttributes ? [e.activityTaskFailedEventAttributes] : [],
    );
    return { run, started, failed };
  };

  const expectFinal = (outcome: Awaited<ReturnType<typeof runAt>>) => {
    expect(outcome.run.status).toBe('failed');
    // One attempt, and Temporal was told not to retry.
    expect(outcome.started.map((s) => s.attempt)).toEqual([1]);
    expect(outcome.failed[0]?.failure?.applicationFailureInfo?.nonRetryable).toBe(true);
  };

  it('fails a run at once when a runtime host is loopback, naming step, host and reason', async () => {
    const port = new URL(inside.url).port;
    for (const host of ['127.0.0.1', '127.1', '2130706433', '0x7f.1', 'localhost']) {
      const outcome = await runAt('anywhere', { host, port });
      expectFinal(outcome);
      // Runtime credential values are redacted wherever they appear, the host and port too
      // (`127.1` is named as the address it spells, `127.0.0.1`).
      expect(outcome.run.error).toMatch(
        /^step "x": egress to (\[REDACTED\]|127\.0\.0\.1):\[REDACTED\]( \(127\.0\.0\.1\))? refused: loopback address; an operator can allow it with LATCHKEY_EGRESS_ALLOW$/,
      );
    }
    expect(inside.requests).toHaveLength(0);
  });

  it('checks each redirect hop: an allowed server cannot bounce a step to a loopback URL', async () => {
    await tenant.upsertIntegration({ id: 'bouncer', urlHost: allowed.url, auth: { type: 'none' } });
    const run = await tenant.executeWorkflow({
      workflow: {
        instruction: 'follow a redirect inside',
        integrationIds: ['bouncer'],
        steps: [{ id: 'hop', integrationId: 'bouncer', path: '/bounce' }],
      },
    });
    expect(run.status).toBe('failed');
    expect(run.error).toContain(
      `step "hop": egress to 127.0.0.1:${new URL(inside.url).port} refused: loopback address`,
    );
    expect(run.error).toContain('(redirect 1 of GET');
    expect(inside.requests).toHaveLength(0);
  });

  it("refuses a SQL step at the platform's DATABASE_URL and at the Temporal frontend", async () => {
    const platformDb = new URL(api.dbUrl);
    const tenantsBefore = await sql<{ n: number }>`select count(*)::int as n from tenants`.execute(
      api.db,
    );
    const atDb = await runAt('anydb', {
      user: decodeURIComponent(platformDb.username),
      password: decodeURIComponent(platformDb.password) || 'pw-1234',
      host: platformDb.hostname,
      port: platformDb.port,
      database: platformDb.pathname.slice(1),
    });
    expectFinal(atDb);
    expect(atDb.run.error).toBe(
      `step "x": egress to [REDACTED]:[REDACTED] refused: the platform's PostgreSQL (DATABASE_URL); the platform's own services are never reachable from steps`,
    );
    expect(atDb.run.output ?? null).toBeNull();

    const [temporalHost = '', temporalPort = ''] = testServices().temporalAddress.split(':');
    const atTemporal = await runAt('anydb', {
      user: 'temporal',
      password: 'pw-1234',
      host: temporalHost,
      port: temporalPort,
      database: 'default',
    });
    expectFinal(atTemporal);
    expect(atTemporal.run.error).toContain('refused: the Temporal frontend (TEMPORAL_ADDRESS)');
    // The api's own listener, over HTTP: also the platform's.
    const apiPort = new URL(api.publicUrl).port;
    const atApi = await runAt('anywhere', { host: '127.0.0.1', port: apiPort });
    expectFinal(atApi);
    expect(atApi.run.error).toContain("refused: the platform's api");
    const tenantsAfter = await sql<{ n: number }>`select count(*)::int as n from tenants`.execute(
      api.db,
    );
    expect(tenantsAfter.rows).toEqual(tenantsBefore.rows);
  });

  it('refuses a tenant-defined OAuth token URL on a private address, at upsert and at use', async () => {
    const error = await upsertError({
      id: 'sso',
      urlHost: allowed.url,
      auth: { type: 'oauth2' },
      oauth: {
        clientId: 'app',
        clientSecret: 'client-secret-value-1',
        authorizeUrl: `${allowed.url}/authorize`,
        tokenUrl: 'http://192.168.10.5/token',
      },
    });
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.message).toBe(
      `oauth.tokenUrl: egress to 192.168.10.5:80 refused: private address; ${FIX}`,
    );

    // A row written before the rule (or by hand): the flow itself refuses, before sending the
    // client secret anywhere.
    await tenant.upsertIntegration({
      id: 'sso',
      urlHost: allowed.url,
      auth: { type: 'oauth2' },
      oauth: {
        clientId: 'app',
        clientSecret: 'client-secret-value-1',
        authorizeUrl: `${allowed.url}/authorize`,
        tokenUrl: `${allowed.url}/token`,
      },
    });
    await sql`update integrations set oauth = jsonb_set(oauth, '{tokenUrl}', to_jsonb(${`${inside.url}/token`}::text)) where id = 'sso'`.execute(
      api.db,
    );
    let refused: LatchkeyError | undefined;
    try {
      await tenant.trpc.oauth.clientCredentials.mutate({ integrationId: 'sso', userId: 'svc' });
    } catch (caught) {
      refused = caught as LatchkeyError;
    }
    expect(refused?.message).toBe(
      `egress to 127.0.0.1:${new URL(inside.url).port} refused: loopback address; ${FIX}`,
    );
    expect(inside.requests).toHaveLength(0);
  });
});
