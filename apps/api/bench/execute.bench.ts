/**
 * A one-step HTTP workflow end to end (client -> api -> Temporal -> worker -> loopback server
 * -> result) against calling the loopback server directly, and against Temporal alone (a
 * workflow that only returns, started and awaited with the SDK's client), in one process and
 * run; and the same runs with the egress policy on (production) and off (a bench-only stand-in
 * with Node's plain fetch and no checks, which the product has no switch for).
 * Writes bench/results/execute.json.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Socket } from 'node:net';
import { availableParallelism } from 'node:os';
import { createEgressPolicy, type EgressPolicy } from '@latchkey/egress';
import { Agent } from 'undici';
import { machineCpuMs, measureCpu, processCpuMs, processesCpuMs } from './cpu-time';
import { percentile, round, startBenchStack, writeResult } from './stack';
import { startTemporalBaseline } from './temporal-baseline';

const SEQUENTIAL = Number(process.env.BENCH_SEQUENTIAL ?? 150);
const IN_FLIGHT = 50;
const THROUGHPUT_RUNS = Number(process.env.BENCH_THROUGHPUT_RUNS ?? 1000);
/**
 * Runs of each path before anything is measured. V8 optimises a function only once it is hot,
 * and a run passes through thousands of them once each (tRPC, pg, Kysely, undici, the SDK), so
 * the JIT settles only after a few thousand runs: over the first 4,000 a platform run's CPU
 * fell from 13.6 to 9 ms. An api and a worker that have served that many runs are what is
 * measured; BENCH_WARMUP_RUNS=20 shows the cold figures.
 */
const WARMUP_RUNS = Number(process.env.BENCH_WARMUP_RUNS ?? 4000);
const WARMUP_CHUNK = 1000;

/** Seconds to make `count` calls with IN_FLIGHT of them under way at any time. */
async function inFlight(count: number, fn: () => Promise<unknown>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next++ < count) await fn();
    }),
  );
  return (performance.now() - started) / 1000;
}

async function timeEach(count: number, fn: () => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b);
}

const target = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true,"items":[1,2,3]}');
});
await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
const targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}`;

/**
 * The worker's egress, switchable for this bench only: `on` is the production policy (resolve,
 * check, dial the checked address through undici), `off` sends with Node's own fetch and checks
 * nothing. Both are measured in the same run, in alternating halves.
 */
let policy: EgressPolicy | undefined;
const unchecked: EgressPolicy = {
  check: async (host, port) => ({ host, port, address: host, family: 4 }),
  checkUrl: async () => {},
  fetch: (input, init) => fetch(input, init),
  dispatcher: new Agent(),
  pgStream: () => new Socket(),
  allow() {},
  rules: [],
  close: async () => {},
};
let egressOn = true;
const current = () => (egressOn && policy ? policy : unchecked);
const switchable: EgressPolicy = {
  check: (host, port) => current().check(host, port),
  checkUrl: (url) => current().checkUrl(url),
  fetch: (input, init) => current().fetch(input, init),
  get dispatcher() {
    return current().dispatcher;
  },
  pgStream: () => current().pgStream(),
  allow: (rule) => policy?.allow(rule),
  get rules() {
    return current().rules;
  },
  close: async () => {
    await policy?.close();
    await unchecked.dispatcher.close();
  },
};
const stack = await startBenchStack({
  tenantActivityLimit: IN_FLIGHT,
  egress: (platform) => {
    const db = new URL(platform.db);
    const [temporalHost = '127.0.0.1', temporalPort = '7233'] =
      platform.temporal.split(/:(?=\d+$)/);
    policy = createEgressPolicy({
      allow: [new URL(targetUrl).host],
      platform: [
        { name: 'bench PostgreSQL', host: db.hostname, port: Number(db.port || 5432) },
        { name: 'bench Temporal', host: temporalHost, port: Number(temporalPort) },
        { name: 'bench api', host: '127.0.0.1', port: platform.api },
      ],
    });
    return switchable;
  },
});

const baseline = await startTemporalBaseline(
  stack.temporal.address,
  stack.temporal.namespace,
).catch(async (error: unknown) => {
  await stack.stop();
  throw error;
});
try {
  const { client } = stack;
  await client.upsertIntegration({
    id: 'target',
    urlHost: targetUrl,
    auth: { type: 'bearer', credential: 'api_key' },
    credentials: { api_key: `key_${randomBytes(16).toString('hex')}` },
  });
  await client.buildWorkflow({
    id: 'one-call',
    instruction: 'one GET',
    integrationIds: ['target'],
    steps: [
      {
        id: 'get',
        integrationId: 'target',
        method: 'GET',
        path: '/items',
        transform: 'result.items',
      },
    ],
  });
  const execute = async () => {
    const run = await client.executeWorkflow({ workflowId: 'one-call' });
    if (run.status !== 'succeeded') throw new Error(`run ${run.runId} ${run.status}: ${run.error}`);
  };
  const direct = async () => {
    const response = await fetch(`${targetUrl}/items`, { headers: { authorization: 'Bearer x' } });
    await response.json();
  };

  // Warm up every path (JIT, pools, Temporal's caches), then measure them in the same run.
  const warmUp = async (name: string, fn: () => Promise<unknown>) => {
    for (let done = 0; done < WARMUP_RUNS; ) {
      const chunk = Math.min(WARMUP_CHUNK, WARMUP_RUNS - done);
      const measured = await measureCpu({}, () => inFlight(chunk, fn));
      done += chunk;
      console.log(
        `warming up ${name}: ${done}/${WARMUP_RUNS} runs, ${round(chunk / measured.result)} runs/s, ${round(measured.ownMs / chunk)} ms of this process's CPU per run`,
      );
    }
  };
  await warmUp('the platform', execute);
  await warmUp('Temporal alone', baseline.execute);
  for (let i = 0; i < 200; i++) await direct();
  const directTimes = await timeEach(SEQUENTIAL, direct);
  const baselineTimes = await timeEach(SEQUENTIAL, baseline.execute);
  const workflowTimes = await timeEach(SEQUENTIAL, execute);

  // The egress policy on and off, in alternating halves (on, off, off, on) so drift in the
  // machine's load falls on both sides alike.
  const egressTimes = { on: [] as number[], off: [] as number[] };
  for (const side of ['on', 'off', 'off', 'on'] as const) {
    egressOn = side === 'on';
    egressTimes[side].push(...(await timeEach(Math.ceil(SEQUENTIAL / 2), execute)));
  }
  egressOn = true;
  egressTimes.on.sort((a, b) => a - b);
  egressTimes.off.sort((a, b) => a - b);

  // In alternating halves: the dev server slows as its in-memory store fills, and the machine's
  // load drifts, so each side gets its share of both. CPU time per run is counted beside wall
  // time: it moves far less with the machine's mood, so it shows what a change saves. The
  // machine's figure (every process) says what 100 runs/s would ask of its cores.
  const readers = {
    server: () => processCpuMs(stack.temporal.pid),
    postgres: () => processesCpuMs('postgres'),
    machine: machineCpuMs,
  };
  const newSide = () => ({
    seconds: 0,
    node: 0 as number | null,
    server: 0 as number | null,
    postgres: 0 as number | null,
    machine: 0 as number | null,
  });
  const platform = newSide();
  const alone = newSide();
  const add = (a: number | null, b: number | null) => (a === null || b === null ? null : a + b);
  const phase = async (side: ReturnType<typeof newSide>, fn: () => Promise<unknown>) => {
    const measured = await measureCpu(readers, () => inFlight(THROUGHPUT_RUNS / 2, fn));
    side.seconds += measured.result;
    side.node = add(side.node, measured.ownMs);
    side.server = add(side.server, measured.others.server);
    side.postgres = add(side.postgres, measured.others.postgres);
    side.machine = add(side.machine, measured.others.machine);
  };
  await phase(alone, baseline.execute);
  await phase(platform, execute);
  await phase(platform, execute);
  await phase(alone, baseline.execute);
  const perRun = (ms: number | null) => (ms === null ? null : round(ms / THROUGHPUT_RUNS));
  const ceiling = (ms: number | null) =>
    ms === null ? null : round((availableParallelism() * 1000 * THROUGHPUT_RUNS) / ms);

  const result = {
    direct_p50_ms: round(percentile(directTimes, 0.5)),
    direct_p99_ms: round(percentile(directTimes, 0.99)),
    workflow_p50_ms: round(percentile(workflowTimes, 0.5)),
    workflow_p99_ms: round(percentile(workflowTimes, 0.99)),
    overhead_p50_ms: round(percentile(workflowTimes, 0.5) - percentile(directTimes, 0.5)),
    egress_on_p50_ms: round(percentile(egressTimes.on, 0.5)),
    egress_off_p50_ms: round(percentile(egressTimes.off, 0.5)),
    egress_overhead_ratio: round(
      percentile(egressTimes.on, 0.5) / Math.max(percentile(egressTimes.off, 0.5), 0.001),
    ),
    throughput_runs_s: round(THROUGHPUT_RUNS / platform.seconds),
    temporal_alone_p50_ms: round(percentile(baselineTimes, 0.5)),
    temporal_alone_runs_s: round(THROUGHPUT_RUNS / alone.seconds),
    throughput_vs_temporal_alone: round(alone.seconds / platform.seconds),
    node_cpu_ms_per_run: perRun(platform.node),
    server_cpu_ms_per_run: perRun(platform.server),
    postgres_cpu_ms_per_run: perRun(platform.postgres),
    machine_cpu_ms_per_run: perRun(platform.machine),
    cpu_ceiling_runs_s: ceiling(platform.machine),
    temporal_alone_node_cpu_ms_per_run: perRun(alone.node),
    temporal_alone_server_cpu_ms_per_run: perRun(alone.server),
    temporal_alone_postgres_cpu_ms_per_run: perRun(alone.postgres),
    temporal_alone_machine_cpu_ms_per_run: perRun(alone.machine),
    temporal_alone_cpu_ceiling_runs_s: ceiling(alone.machine),
  };
  console.log(`direct call:       p50 ${result.direct_p50_ms} ms, p99 ${result.direct_p99_ms} ms`);
  console.log(
    `workflow run:      p50 ${result.workflow_p50_ms} ms, p99 ${result.workflow_p99_ms} ms`,
  );
  console.log(
    `overhead p50:      ${result.overhead_p50_ms} ms (target < 30: ${result.overhead_p50_ms < 30 ? 'met' : 'NOT met'})`,
  );
  console.log(
    `egress policy:     p50 ${result.egress_on_p50_ms} ms on, ${result.egress_off_p50_ms} ms off: ratio ${result.egress_overhead_ratio} (target <= 1.05: ${result.egress_overhead_ratio <= 1.05 ? 'met' : 'NOT met'})`,
  );
  console.log(
    `throughput:        ${result.throughput_runs_s} runs/s with ${IN_FLIGHT} in flight (target >= 100: ${result.throughput_runs_s >= 100 ? 'met' : 'NOT met'})`,
  );
  console.log(
    `Temporal alone:    p50 ${result.temporal_alone_p50_ms} ms, ${result.temporal_alone_runs_s} runs/s with ${IN_FLIGHT} in flight (a workflow that only returns)`,
  );
  console.log(`platform / alone:  ${result.throughput_vs_temporal_alone} of Temporal's throughput`);
  const cpu = (
    node: number | null,
    server: number | null,
    postgres: number | null,
    machine: number | null,
  ) =>
    `this process ${node} ms, Temporal server ${server ?? '?'} ms, PostgreSQL ${postgres ?? '?'} ms; whole machine ${machine ?? '?'} ms`;
  console.log(
    `CPU per run:       platform: ${cpu(result.node_cpu_ms_per_run, result.server_cpu_ms_per_run, result.postgres_cpu_ms_per_run, result.machine_cpu_ms_per_run)}`,
  );
  console.log(
    `                   alone:    ${cpu(result.temporal_alone_node_cpu_ms_per_run, result.temporal_alone_server_cpu_ms_per_run, result.temporal_alone_postgres_cpu_ms_per_run, result.temporal_alone_machine_cpu_ms_per_run)}`,
  );
  console.log(
    `CPU ceiling:       ${availableParallelism()} cores allow at most ${result.cpu_ceiling_runs_s ?? '?'} runs/s of the platform, ${result.temporal_alone_cpu_ceiling_runs_s ?? '?'} of Temporal alone`,
  );
  console.log(`wrote ${await writeResult('execute.json', result)}`);
} finally {
  await baseline.stop();
  target.close();
  await stack.stop();
}
