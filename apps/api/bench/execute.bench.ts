/**
 * A one-step HTTP workflow end to end (client -> api -> Temporal -> worker -> loopback server
 * -> result) against calling the loopback server directly, in one process and run.
 * Writes bench/results/execute.json.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { percentile, round, startBenchStack, writeResult } from './stack';

const SEQUENTIAL = Number(process.env.BENCH_SEQUENTIAL ?? 150);
const IN_FLIGHT = 50;
const THROUGHPUT_RUNS = Number(process.env.BENCH_THROUGHPUT_RUNS ?? 400);

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
const stack = await startBenchStack({ tenantActivityLimit: IN_FLIGHT });

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

  // Warm up both paths (JIT, pools, Temporal's caches), then measure them in the same run.
  for (let i = 0; i < 20; i++) await execute();
  for (let i = 0; i < 50; i++) await direct();
  const directTimes = await timeEach(SEQUENTIAL, direct);
  const workflowTimes = await timeEach(SEQUENTIAL, execute);

  let next = 0;
  const throughputStarted = performance.now();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next++ < THROUGHPUT_RUNS) await execute();
    }),
  );
  const throughputS = (performance.now() - throughputStarted) / 1000;

  const result = {
    direct_p50_ms: round(percentile(directTimes, 0.5)),
    direct_p99_ms: round(percentile(directTimes, 0.99)),
    workflow_p50_ms: round(percentile(workflowTimes, 0.5)),
    workflow_p99_ms: round(percentile(workflowTimes, 0.99)),
    overhead_p50_ms: round(percentile(workflowTimes, 0.5) - percentile(directTimes, 0.5)),
    throughput_runs_s: round(THROUGHPUT_RUNS / throughputS),
  };
  console.log(`direct call:       p50 ${result.direct_p50_ms} ms, p99 ${result.direct_p99_ms} ms`);
  console.log(
    `workflow run:      p50 ${result.workflow_p50_ms} ms, p99 ${result.workflow_p99_ms} ms`,
  );
  console.log(
    `overhead p50:      ${result.overhead_p50_ms} ms (target < 30: ${result.overhead_p50_ms < 30 ? 'met' : 'NOT met'})`,
  );
  console.log(
    `throughput:        ${result.throughput_runs_s} runs/s with ${IN_FLIGHT} in flight (target >= 100: ${result.throughput_runs_s >= 100 ? 'met' : 'NOT met'})`,
  );
  console.log(`wrote ${await writeResult('execute.json', result)}`);
} finally {
  target.close();
  await stack.stop();
}
