import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createOpsHandler, metrics, type OpsOptions, trackInFlight } from '../src';

const servers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of servers.splice(0)) await close();
});

async function serve(options: OpsOptions, slow?: Promise<void>) {
  const ops = createOpsHandler(options);
  const server = createServer((req, res) => {
    const pathname = (req.url ?? '/').split('?')[0] ?? '/';
    if (ops(req, res, pathname)) return;
    if (pathname === '/slow') {
      void (slow ?? Promise.resolve()).then(() => res.end('done'));
      return;
    }
    res.writeHead(404).end();
  });
  const tracker = trackInFlight(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  servers.push(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { url: `http://127.0.0.1:${port}`, tracker, server };
}

describe('readiness', () => {
  it('is ready only when every check says ok, and never serves why a check failed', async () => {
    let databaseUp = true;
    const failures: string[] = [];
    const { url } = await serve({
      checks: {
        database: async () => {
          if (!databaseUp) throw new Error('connect ECONNREFUSED 10.1.2.3:5432 password=hunter2');
          return 'ok';
        },
        migrations: async () => 'ok',
      },
      draining: () => false,
      onCheckFailed: (name, error) => failures.push(`${name}: ${(error as Error).message}`),
    });
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: 'ready',
      checks: { database: 'ok', migrations: 'ok' },
    });

    databaseUp = false;
    const down = await fetch(`${url}/readyz`);
    expect(down.status).toBe(503);
    const text = await down.text();
    expect(JSON.parse(text)).toEqual({
      status: 'not_ready',
      checks: { database: 'unavailable', migrations: 'ok' },
    });
    // The reason names a host and could carry more: it goes to the log only.
    expect(text).not.toContain('10.1.2.3');
    expect(text).not.toContain('hunter2');
    expect(failures).toEqual(['database: connect ECONNREFUSED 10.1.2.3:5432 password=hunter2']);

    // Alive all along.
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });

  it('counts a check that hangs as down, and a word other than ok as not ready', async () => {
    const { url } = await serve({
      checks: {
        temporal: () => new Promise(() => {}),
        migrations: async () => 'behind',
      },
      draining: () => false,
      checkTimeoutMs: 200,
    });
    const res = await fetch(`${url}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({
      status: 'not_ready',
      checks: { temporal: 'unavailable', migrations: 'behind' },
    });
  });
});

describe('metrics endpoint', () => {
  it('serves the registry as Prometheus text, with extra text appended', async () => {
    metrics.rateLimitRefusals.inc({ limit: 'ops_test' });
    const { url } = await serve({
      checks: {},
      draining: () => false,
      extraMetrics: async () => '# TYPE temporal_example_total counter\ntemporal_example_total 7\n',
    });
    const res = await fetch(`${url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toMatch(/latchkey_rate_limit_refusals_total\{limit="ops_test"\} [1-9]/);
    expect(text).toContain('latchkey_api_request_duration_seconds');
    expect(text).toContain('temporal_example_total 7');
  });
});

describe('draining', () => {
  it('finishes a request in flight, says draining, and takes no new connections', async () => {
    let release = () => {};
    const slow = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { url, tracker } = await serve({ checks: {}, draining: () => tracker.draining() }, slow);
    const inFlight = fetch(`${url}/slow`).then(async (r) => ({
      status: r.status,
      body: await r.text(),
    }));
    while (tracker.inFlight() === 0) await new Promise((r) => setTimeout(r, 10));

    const drained = tracker.drain(10_000);
    expect(tracker.draining()).toBe(true);
    // A fresh connection is refused: the listener is closed.
    const refused = await new Promise<string>((resolve) => {
      request(`${url}/healthz`, { agent: false })
        .on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'))
        .on('response', (res) => resolve(`status ${res.statusCode}`))
        .end();
    });
    expect(refused).toBe('ECONNREFUSED');

    release();
    expect(await inFlight).toEqual({ status: 200, body: 'done' });
    expect(await drained).toBe(true);
  });

  it('cuts what is still running at the grace and says so', async () => {
    const { url, tracker } = await serve(
      { checks: {}, draining: () => false },
      new Promise(() => {}),
    );
    const cut = fetch(`${url}/slow`).then(
      () => 'answered',
      () => 'cut',
    );
    while (tracker.inFlight() === 0) await new Promise((r) => setTimeout(r, 10));
    expect(await tracker.drain(200)).toBe(false);
    expect(await cut).toBe('cut');
  });
});
