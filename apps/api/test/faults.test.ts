/**
 * The production shape under faults: 2 api and 3 worker processes on one PostgreSQL and one
 * Temporal server, both started apart from them (PostgreSQL embedded and dedicated to this file,
 * so restarting it harms no other test; Temporal a dev server with a database file, a stand-in
 * for a cluster). 300 runs, one-step and three-step mixed, through both apis, while a worker is
 * killed with SIGKILL and started again, Temporal is stopped and started, and PostgreSQL is
 * restarted. Then a refresh storm of 500 runs over the 3 workers. Writes
 * bench/results/faults.json with the figures.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer as createNetServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTenant } from '@latchkey/api';
import { LatchkeyClient } from '@latchkey/client';
import { createDb, type Db, migrateToLatest } from '@latchkey/db';
import {
  ensureDatabase,
  type RunningPostgres,
  type RunningTemporal,
  startPostgres,
  startTemporal,
  withDatabase,
} from '@latchkey/devstack';
import { buildApps } from '@latchkey/devstack/built-apps';
import { createVault, generateMasterKey, parseMasterKeys } from '@latchkey/vault';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startLoopbackServer } from './loopback';
import { expireStoredTokens, startOAuthFixture } from './oauth-fixture';
import {
  type AppProcess,
  appCommand,
  listeningOrigin,
  spawnApp,
  stopApp,
  waitUntilReady,
} from './processes';
import { scrape, sumOf } from './prometheus';

const RUNS = 300;
const STORM = 500;
/** Each target request takes this long, so runs are still in flight when the faults hit. */
const TARGET_DELAY_MS = 150;
const RESULTS = fileURLToPath(new URL('../../../bench/results/faults.json', import.meta.url));

/**
 * A free port for a server that is stopped and started again on it (PostgreSQL, Temporal):
 * below the system's ephemeral range (Linux: 32768 and up), so no outgoing connection on the
 * machine is given it while the server is down or before it first starts.
 */
async function restartablePort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const free = await new Promise<boolean>((resolve) => {
      const probe = createNetServer();
      probe.once('error', () => resolve(false));
      probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
    });
    if (free) return port;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Submitted {
  runId: string;
  kind: 'one' | 'three';
  n: number;
  key: string;
}

const expectedOutput = (run: Submitted) =>
  run.kind === 'one' ? { value: run.n } : { c: (run.n + 1) * 2 + 3 };

// Built processes, as production runs them (cached by turbo under `pnpm test`, which builds
// first); LATCHKEY_FAULTS_FROM_SOURCE=1 runs the sources through tsx instead.
const built = process.env.LATCHKEY_FAULTS_FROM_SOURCE !== '1';

describe('faults: 2 apis and 3 workers survive a killed worker and restarted Temporal and PostgreSQL', () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  beforeAll(async () => {
    if (built) await buildApps(['api', 'worker']);
  }, 900_000);
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  });

  it('every run succeeds once with the right output, and a storm of 500 makes one token request', {
    timeout: 600_000,
  }, async () => {
    const started = Date.now();
    const phase = (what: string) =>
      console.log(`[faults] ${((Date.now() - started) / 1_000).toFixed(1)} s: ${what}`);
    const work = await mkdtemp(path.join(os.tmpdir(), 'latchkey-faults-'));
    cleanups.push(() => rm(work, { recursive: true, force: true }));

    // PostgreSQL of its own (restarted below), on a fixed port so the processes find it again.
    const pgDataDir = path.join(os.tmpdir(), `latchkey-faults-pg-${randomUUID().slice(0, 8)}`);
    const pgPort = await restartablePort();
    const startPg = () => startPostgres({ dataDir: pgDataDir, persistent: true, port: pgPort });
    let postgres: RunningPostgres = await startPg();
    cleanups.push(async () => {
      await postgres.stop();
      await rm(postgres.dataDir ?? pgDataDir, { recursive: true, force: true });
    });
    await ensureDatabase(postgres.url, 'latchkey');
    const dbUrl = withDatabase(postgres.url, 'latchkey');
    const db: Db = createDb({ connectionString: dbUrl, max: 4 });
    cleanups.push(() => db.destroy());
    await migrateToLatest(db);

    // Temporal apart from the processes, its state in a file that outlives a restart.
    const temporalPort = await restartablePort();
    const temporalDb = path.join(work, 'temporal.sqlite');
    const startT = () => startTemporal({ ui: false, port: temporalPort, dbFile: temporalDb });
    let temporal: RunningTemporal = await startT();
    cleanups.push(() => temporal.stop());

    // The target: counts requests per idempotency key, and when each arrived.
    const arrivals = new Map<string, number[]>();
    const target = await startLoopbackServer(async (req, res) => {
      const key = String(req.headers['idempotency-key'] ?? 'none');
      arrivals.set(key, [...(arrivals.get(key) ?? []), Date.now()]);
      await sleep(TARGET_DELAY_MS);
      const num = (name: string) => Number(req.query.get(name));
      if (req.path === '/one') return json(res, 200, { value: num('n') });
      if (req.path === '/a') return json(res, 200, { a: num('n') + 1 });
      if (req.path === '/b') return json(res, 200, { b: num('a') * 2 });
      if (req.path === '/c') return json(res, 200, { c: num('b') + 3 });
      json(res, 404, {});
    });
    cleanups.push(() => target.close());

    const masterKeys = generateMasterKey('faults');
    const vault = await createVault({ db, keyring: parseMasterKeys(masterKeys) });
    cleanups.push(async () => vault.close());
    const tenant = await createTenant(db, vault, { name: 'faults', actor: 'test' });

    const common = {
      DATABASE_URL: dbUrl,
      TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}`,
      TEMPORAL_NAMESPACE: 'default',
      LATCHKEY_TASK_QUEUE: 'latchkey-faults',
      LATCHKEY_MASTER_KEYS: masterKeys,
      // The targets are on loopback, which the egress policy refuses unless allowed.
      LATCHKEY_EGRESS_ALLOW: '127.0.0.1',
      // Info: each process says in its start-up line which port it bound (they bind port 0).
      LOG_LEVEL: 'info',
    };
    const processes: AppProcess[] = [];
    cleanups.push(() => Promise.all(processes.map((p) => stopApp(p, 5_000))));
    // Every listener binds port 0 and reports the port it got: nothing is picked in advance
    // that another process on the machine could take first. The second api's public URL
    // (OAuth callbacks) is the first's, as a balancer's would be the same for both.
    const spawnApi = (index: number, publicUrl?: string) => {
      const proc = spawnApp(
        'api',
        {
          ...common,
          HOST: '127.0.0.1',
          PORT: '0',
          ...(publicUrl ? { LATCHKEY_PUBLIC_URL: publicUrl } : {}),
          LATCHKEY_SHUTDOWN_GRACE_MS: '5000',
        },
        { name: `api-${index + 1}`, built },
      );
      processes.push(proc);
      return proc;
    };
    const workerUrls: string[] = [];
    const spawnWorker = (index: number) => {
      const proc = spawnApp(
        'worker',
        {
          ...common,
          LATCHKEY_WORKER_HTTP_PORT: '0',
          // Few slots each, so runs queue and are still in flight when the faults hit.
          LATCHKEY_TENANT_MAX_CONCURRENT_ACTIVITIES: '6',
          LATCHKEY_WORKER_SHUTDOWN_GRACE_MS: '5000',
          LATCHKEY_RUN_RECONCILE_INTERVAL_MS: '0',
        },
        { name: `worker-${index + 1}`, built },
      );
      processes.push(proc);
      return proc;
    };
    /** Starts worker `index` (again) and waits until it is ready at the port it reports. */
    const readyWorker = async (index: number, proc: AppProcess) => {
      workerUrls[index] = await listeningOrigin(proc, 'worker');
      await waitUntilReady(proc, `${workerUrls[index]}/readyz`);
    };
    const workers = [0, 1, 2].map(spawnWorker);
    const firstApi = spawnApi(0);
    const publicUrl = await listeningOrigin(firstApi, 'api');
    const secondApi = spawnApi(1, publicUrl);
    const apis = [
      { proc: firstApi, url: publicUrl },
      { proc: secondApi, url: await listeningOrigin(secondApi, 'api') },
    ];
    const workerUrl = (i: number) => workerUrls[i] as string;
    await Promise.all([
      ...apis.map((a) => waitUntilReady(a.proc, `${a.url}/readyz`)),
      ...workers.map((w, i) => readyWorker(i, w)),
    ]);
    // The OAuth provider and an API that accepts its tokens, for the refresh storm (the
    // processes' egress already allows all of loopback).
    const oauth = await startOAuthFixture(
      { publicUrl },
      {
        clientId: 'faults-app',
        clientSecret: 'faults-client-secret-value',
        accessTokenTtlSeconds: 3_600,
      },
    );
    cleanups.push(() => oauth.close());
    const { auth } = oauth;
    const resource = await oauth.startResourceServer();
    const startupS = (Date.now() - started) / 1_000;
    phase('2 apis and 3 workers ready');
    cleanups.push(async () => {
      // On failure, what the processes said is the first thing to read.
      for (const p of processes) {
        const tail = p.running() ? 3_000 : 30_000;
        console.log(`--- ${p.name}${p.running() ? '' : ' (exited)'}\n${p.output().slice(-tail)}`);
      }
    });

    const clients = apis.map(
      (a) => new LatchkeyClient({ endpoint: a.url, apiKey: tenant.apiKey.key }),
    );
    const [first] = clients as [LatchkeyClient];
    await first.upsertIntegration({ id: 'target', urlHost: target.url, auth: { type: 'none' } });
    const keyed = (suffix: string) => ({ 'Idempotency-Key': `<<input.key>>:${suffix}` });
    await first.buildWorkflow({
      id: 'one-step',
      instruction: 'one call',
      integrationIds: ['target'],
      steps: [
        {
          id: 'one',
          integrationId: 'target',
          method: 'GET',
          path: '/one',
          query: { n: '<<input.n>>' },
          headers: keyed('one'),
        },
      ],
    });
    await first.buildWorkflow({
      id: 'three-step',
      instruction: 'three calls, each feeding the next',
      integrationIds: ['target'],
      steps: [
        { id: 'a', path: '/a', query: { n: '<<input.n>>' }, headers: keyed('a') },
        { id: 'b', path: '/b', query: { a: '<<steps.a.a>>' }, headers: keyed('b') },
        { id: 'c', path: '/c', query: { b: '<<steps.b.b>>' }, headers: keyed('c') },
      ].map((step) => ({ ...step, integrationId: 'target', method: 'GET' as const })),
    });

    const unfinished = async () => {
      const row = await db
        .selectFrom('runs')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('tenant_id', '=', tenant.tenantId)
        .where('status', 'in', ['pending', 'running'])
        .executeTakeFirstOrThrow();
      return Number(row.n);
    };
    const inFlightAt: Record<string, number> = {};
    const faultAt: Record<string, number> = {};

    // 300 runs through both apis, a few submissions at a time, as clients would send them.
    const submitted: Submitted[] = [];
    let killedWorker: Promise<void> | undefined;
    const submitAll = async () => {
      let next = 0;
      const lane = async () => {
        for (let i = next++; i < RUNS; i = next++) {
          const kind = i % 2 === 0 ? 'one' : 'three';
          const key = `k${i}-${randomUUID().slice(0, 8)}`;
          const client = clients[i % 2] as LatchkeyClient;
          const run = await client.executeWorkflow({
            workflowId: kind === 'one' ? 'one-step' : 'three-step',
            payload: { n: i, key },
            wait: false,
          });
          submitted.push({ runId: run.runId, kind, n: i, key });
          // A third of the way in: a worker crashes (no shutdown at all) and is started again.
          if (submitted.length === Math.floor(RUNS / 3)) {
            killedWorker = (async () => {
              inFlightAt.worker_kill = await unfinished();
              faultAt.worker_kill = Date.now();
              (workers[0] as AppProcess).child.kill('SIGKILL');
              await (workers[0] as AppProcess).exited;
              workers[0] = spawnWorker(0);
              await readyWorker(0, workers[0]);
            })();
          }
        }
      };
      await Promise.all(Array.from({ length: 24 }, lane));
    };
    const submitStarted = Date.now();
    await submitAll();
    const submitS = (Date.now() - submitStarted) / 1_000;
    phase(`${RUNS} runs submitted`);

    // Temporal goes away and comes back with its state from the file.
    inFlightAt.temporal_restart = await unfinished();
    faultAt.temporal_stop = Date.now();
    await temporal.stop();
    await sleep(2_000);
    temporal = await startT();
    faultAt.temporal_back = Date.now();
    phase('Temporal restarted');

    // PostgreSQL restarts under everyone (a fast shutdown ends every session).
    inFlightAt.postgres_restart = await unfinished().catch(() => -1);
    faultAt.postgres_stop = Date.now();
    await postgres.stop();
    await sleep(1_000);
    postgres = await startPg();
    faultAt.postgres_back = Date.now();
    phase('PostgreSQL restarted');
    await killedWorker;
    phase('killed worker back');

    // Every run ends; nothing stays pending or running.
    const deadline = Date.now() + 150_000;
    let left = await unfinished();
    while (left > 0 && Date.now() < deadline) {
      await sleep(500);
      left = await unfinished().catch(() => left);
    }
    const settledS = (Date.now() - submitStarted) / 1_000;
    phase(`runs settled, ${left} unfinished`);

    const rows = await db
      .selectFrom('runs')
      .select(['id', 'status', 'finished_at'])
      .where('tenant_id', '=', tenant.tenantId)
      .execute();
    const byId = new Map(rows.map((r) => [r.id, r]));
    let succeeded = 0;
    let wrongOutput = 0;
    let lost = 0;
    let stuck = 0;
    const check = async (run: Submitted, i: number) => {
      const row = byId.get(run.runId);
      if (!row) {
        lost += 1;
        return;
      }
      if (row.status === 'pending' || row.status === 'running') {
        stuck += 1;
        return;
      }
      if (row.status !== 'succeeded') {
        lost += 1;
        return;
      }
      // The output as a client reads it, through either api.
      const got = await (clients[i % 2] as LatchkeyClient).getRun(run.runId);
      if (JSON.stringify(got.output) === JSON.stringify(expectedOutput(run))) succeeded += 1;
      else wrongOutput += 1;
    };
    let nextCheck = 0;
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        for (let i = nextCheck++; i < submitted.length; i = nextCheck++) {
          await check(submitted[i] as Submitted, i);
        }
      }),
    );
    phase('outputs checked');

    // A completed step ran twice if its key reached the target again after the step's end
    // was recorded: after the next step began, or, for the last step, after the run ended.
    // A repeat before that is a retried attempt that never finished (the killed worker's).
    let duplicatedSteps = 0;
    let retriedAttempts = 0;
    const duplicates: unknown[] = [];
    const rel = (t: number) => t - started;
    for (const run of submitted) {
      const steps = run.kind === 'one' ? ['one'] : ['a', 'b', 'c'];
      const finishedAt = byId.get(run.runId)?.finished_at?.getTime() ?? Number.POSITIVE_INFINITY;
      steps.forEach((step, index) => {
        const times = arrivals.get(`${run.key}:${step}`) ?? [];
        const next = steps[index + 1];
        const recordedBy = next
          ? ((arrivals.get(`${run.key}:${next}`) ?? [])[0] ?? Number.POSITIVE_INFINITY)
          : finishedAt;
        const repeats = times.slice(1);
        const late = repeats.filter((t) => t > recordedBy).length;
        duplicatedSteps += late > 0 ? 1 : 0;
        if (late > 0) {
          duplicates.push({
            kind: run.kind,
            step,
            arrivals: times.map(rel),
            recordedBy: rel(recordedBy),
          });
        }
        retriedAttempts += repeats.length - late;
      });
    }

    // The refresh storm: one connected user whose token has expired, 500 runs at once.
    await oauth.upsertIntegration(first, { id: 'crm', urlHost: resource.url });
    await first.buildWorkflow({
      id: 'crm-me',
      instruction: 'who am I',
      integrationIds: ['crm'],
      steps: [{ id: 'me', integrationId: 'crm', method: 'GET', path: '/me' }],
    });
    expect((await oauth.connect(first, 'crm', 'storm')).status).toBe(200);
    await expireStoredTokens(db, { tenantId: tenant.tenantId, userId: 'storm' });
    const refreshesBefore = await Promise.all(
      [0, 1, 2].map(async (i) =>
        sumOf(await scrape(`${workerUrl(i)}/metrics`), 'latchkey_oauth_refresh_total'),
      ),
    );
    const attemptsBefore = await Promise.all(
      [0, 1, 2].map(async (i) =>
        sumOf(await scrape(`${workerUrl(i)}/metrics`), 'latchkey_step_attempts_total'),
      ),
    );
    const tokenCallsBefore = auth.tokenEndpointCalls();
    phase('storm ready');
    const stormStarted = Date.now();
    const stormRuns: Array<{ runId: string }> = [];
    let stormNext = 0;
    const stormLane = async () => {
      for (let i = stormNext++; i < STORM; i = stormNext++) {
        stormRuns.push(
          await (clients[i % 2] as LatchkeyClient).executeWorkflow({
            workflowId: 'crm-me',
            userId: 'storm',
            wait: false,
          }),
        );
      }
    };
    await Promise.all(Array.from({ length: 50 }, stormLane));
    phase('storm submitted');
    const stormDeadline = Date.now() + 120_000;
    while ((await unfinished()) > 0 && Date.now() < stormDeadline) await sleep(500);
    const stormS = (Date.now() - stormStarted) / 1_000;
    phase('storm settled');
    const refreshTokenCalls = auth.tokenEndpointCalls() - tokenCallsBefore;
    const stormRows = await db
      .selectFrom('runs')
      .select(['status'])
      .where(
        'id',
        'in',
        stormRuns.map((r) => r.runId),
      )
      .execute();
    const stormSucceeded = stormRows.filter((r) => r.status === 'succeeded').length;
    const perWorker = await Promise.all(
      [0, 1, 2].map(async (i) => {
        const samples = await scrape(`${workerUrl(i)}/metrics`);
        return {
          steps: sumOf(samples, 'latchkey_step_attempts_total') - (attemptsBefore[i] ?? 0),
          refreshes: sumOf(samples, 'latchkey_oauth_refresh_total') - (refreshesBefore[i] ?? 0),
        };
      }),
    );

    const figures = {
      runs: RUNS,
      succeeded,
      lost,
      duplicated_steps: duplicatedSteps,
      stuck,
      refresh_token_calls: refreshTokenCalls,
      wrong_output: wrongOutput,
      retried_unfinished_attempts: retriedAttempts,
      in_flight_at_fault: inFlightAt,
      fault_ms: Object.fromEntries(Object.entries(faultAt).map(([k, t]) => [k, rel(t)])),
      duplicates,
      storm_runs: STORM,
      storm_succeeded: stormSucceeded,
      storm_steps_per_worker: perWorker.map((w) => w.steps),
      storm_refreshes_per_worker: perWorker.map((w) => w.refreshes),
      processes: appCommand('api', { built }).length === 1 ? 'built' : 'tsx',
      seconds: {
        startup: startupS,
        submit_300: submitS,
        settle_300_after_submit_start: settledS,
        storm_500: stormS,
        total: (Date.now() - started) / 1_000,
      },
    };
    await mkdir(path.dirname(RESULTS), { recursive: true });
    await writeFile(RESULTS, `${JSON.stringify(figures, null, 2)}\n`);
    console.log(`faults: ${JSON.stringify(figures)}`);

    expect(figures).toMatchObject({
      runs: RUNS,
      succeeded: RUNS,
      lost: 0,
      duplicated_steps: 0,
      stuck: 0,
      refresh_token_calls: 1,
      wrong_output: 0,
      storm_succeeded: STORM,
    });
    // Each fault hit while runs were in flight, and the storm was spread over the workers.
    expect(inFlightAt.worker_kill).toBeGreaterThan(0);
    expect(inFlightAt.temporal_restart).toBeGreaterThan(0);
    expect(inFlightAt.postgres_restart).toBeGreaterThan(0);
    expect(perWorker.filter((w) => w.steps > 0).length).toBeGreaterThanOrEqual(2);
    expect(perWorker.reduce((sum, w) => sum + w.refreshes, 0)).toBe(1);
    // Every process outlived the faults but the one that was killed on purpose.
    expect(processes.filter((p) => p.running()).length).toBe(5);
  });
});
