import { createServer, type Server } from 'node:http';
import { type AddressInfo, createServer as createTcpServer } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createEgressPolicy,
  type EgressPolicy,
  type EgressRefusedError,
  egressPolicyFromConfig,
  findEgressRefusal,
} from '../src/index';

async function listen(server: Server | ReturnType<typeof createTcpServer>, host = '127.0.0.1') {
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return (server.address() as AddressInfo).port;
}

const close = (server: Server | ReturnType<typeof createTcpServer>) =>
  new Promise<void>((resolve) => {
    if ('closeAllConnections' in server) server.closeAllConnections();
    server.close(() => resolve());
  });

async function refusal(promise: Promise<unknown>): Promise<EgressRefusedError> {
  try {
    await promise;
  } catch (error) {
    const found = findEgressRefusal(error);
    if (found) return found;
    throw error;
  }
  throw new Error('expected an egress refusal');
}

describe('the egress policy against real loopback servers', () => {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(req.url ?? '');
    res.end('reached');
  });
  const other = createServer((_req, res) => res.end('other'));
  let port = 0;
  let otherPort = 0;
  let egress: EgressPolicy;

  beforeAll(async () => {
    port = await listen(server);
    otherPort = await listen(other);
    egress = createEgressPolicy({ allow: [`127.0.0.1:${port}`] });
  });
  afterAll(async () => {
    await egress.close();
    await close(server);
    await close(other);
  });

  it('reaches an allowed address and port', async () => {
    const response = await egress.fetch(`http://127.0.0.1:${port}/allowed`);
    expect(await response.text()).toBe('reached');
  });

  it('refuses another port on the same address, naming host, port, reason and the fix', async () => {
    const error = await refusal(egress.fetch(`http://127.0.0.1:${otherPort}/`));
    expect(error.message).toBe(
      `egress to 127.0.0.1:${otherPort} refused: loopback address; an operator can allow it with LATCHKEY_EGRESS_ALLOW`,
    );
  });

  it('refuses every spelling of a loopback server that is not allowed', async () => {
    const before = hits.length;
    const spellings = [
      `http://127.1:${otherPort}/`,
      `http://2130706433:${otherPort}/`,
      `http://0x7f.1:${otherPort}/`,
      `http://0177.0.0.1:${otherPort}/`,
      `http://0.0.0.0:${otherPort}/`,
      `http://[::1]:${otherPort}/`,
      `http://[::ffff:127.0.0.1]:${otherPort}/`,
      `http://[64:ff9b::7f00:1]:${otherPort}/`,
      `http://localhost:${otherPort}/`,
    ];
    for (const url of spellings) {
      const error = await refusal(egress.fetch(url));
      expect(error.refusal, url).toBe('denied');
      expect(error.port, url).toBe(otherPort);
    }
    expect(hits.length).toBe(before);
  });

  it('refuses a name that resolves to loopback, saying what it resolved to', async () => {
    const error = await refusal(egress.fetch(`http://localhost:${otherPort}/`));
    expect(error.message).toMatch(
      new RegExp(
        `^egress to localhost:${otherPort} \\((127\\.0\\.0\\.1|::1)\\) refused: loopback address`,
      ),
    );
  });

  it('allows the same server under other spellings of the allowed address', async () => {
    for (const url of [`http://127.1:${port}/a`, `http://2130706433:${port}/b`]) {
      expect(await (await egress.fetch(url)).text()).toBe('reached');
    }
  });

  it('checks every connection, including a redirect target', async () => {
    const redirector = createServer((_req, res) => {
      res.writeHead(302, { location: `http://127.0.0.1:${otherPort}/inside` }).end();
    });
    const redirectPort = await listen(redirector);
    egress.allow(`127.0.0.1:${redirectPort}`);
    try {
      // fetch's own redirect following goes through the same dispatcher.
      const error = await refusal(egress.fetch(`http://127.0.0.1:${redirectPort}/`));
      expect(error.port).toBe(otherPort);
    } finally {
      await close(redirector);
    }
  });

  it('never lets a platform service through, even when its range is allowed', async () => {
    const platformPolicy = createEgressPolicy({
      allow: ['127.0.0.0/8', '0.0.0.0/8'],
      platform: [{ name: 'the test database', host: 'localhost', port: otherPort }],
    });
    try {
      for (const url of [
        `http://127.0.0.1:${otherPort}/`,
        `http://127.0.0.2:${otherPort}/`,
        `http://0.0.0.0:${otherPort}/`,
      ]) {
        const error = await refusal(platformPolicy.fetch(url));
        expect(error.refusal).toBe('platform');
        expect(error.message).toContain('the test database');
        expect(error.message).not.toContain('LATCHKEY_EGRESS_ALLOW');
      }
      expect(await (await platformPolicy.fetch(`http://127.0.0.1:${port}/`)).text()).toBe(
        'reached',
      );
    } finally {
      await platformPolicy.close();
    }
  });

  it("refuses a worker's metrics listener from the worker's own configuration", async () => {
    // A worker listening on otherPort (as LATCHKEY_WORKER_HTTP_PORT says), all loopback allowed.
    const workerPolicy = egressPolicyFromConfig({
      LATCHKEY_EGRESS_ALLOW: '127.0.0.0/8',
      LATCHKEY_WORKER_HTTP_HOST: '0.0.0.0',
      LATCHKEY_WORKER_HTTP_PORT: otherPort,
    });
    try {
      const error = await refusal(workerPolicy.fetch(`http://127.0.0.1:${otherPort}/metrics`));
      expect(error.refusal).toBe('platform');
      expect(error.message).toContain("the worker's health and metrics listener");
      expect(await (await workerPolicy.fetch(`http://127.0.0.1:${port}/`)).text()).toBe('reached');
    } finally {
      await workerPolicy.close();
    }
  });

  it('checkUrl refuses early and lets unresolvable names pass to fail as network errors', async () => {
    await expect(egress.checkUrl('https://169.254.169.254/latest/meta-data/')).rejects.toThrow(
      'egress to 169.254.169.254:443 refused: link-local address',
    );
    await expect(egress.checkUrl('https://no-such-host.invalid/')).resolves.toBeUndefined();
    await expect(egress.checkUrl(`http://127.0.0.1:${port}/`)).resolves.toBeUndefined();
  });
});

describe('the egress policy for pg', () => {
  const received: Buffer[] = [];
  const listener = createTcpServer((socket) => {
    socket.on('data', (chunk) => {
      received.push(chunk);
      socket.destroy();
    });
  });
  let port = 0;
  beforeAll(async () => {
    port = await listen(listener);
  });
  afterAll(() => close(listener));

  const connect = (egress: EgressPolicy, config: pg.ClientConfig) => {
    const client = new pg.Client({
      ...config,
      stream: egress.pgStream,
      connectionTimeoutMillis: 3000,
    });
    client.on('error', () => {});
    return client.connect().finally(() => client.end().catch(() => {}));
  };

  it('refuses a loopback database before a byte is sent', async () => {
    const egress = createEgressPolicy();
    const error = await refusal(
      connect(egress, { connectionString: `postgresql://u:pw@127.0.0.1:${port}/db` }),
    );
    expect(error.message).toBe(
      `egress to 127.0.0.1:${port} refused: loopback address; an operator can allow it with LATCHKEY_EGRESS_ALLOW`,
    );
    expect(received).toHaveLength(0);
  });

  it('refuses Unix sockets', async () => {
    const egress = createEgressPolicy({ allow: ['0.0.0.0/0', '::/0'] });
    const error = await refusal(connect(egress, { host: '/var/run/postgresql', port: 5432 }));
    expect(error.refusal).toBe('unix_socket');
  });

  it('dials the checked address when allowed', async () => {
    const egress = createEgressPolicy({ allow: [`127.0.0.1:${port}`] });
    await expect(
      connect(egress, { connectionString: `postgresql://u:pw@127.1:${port}/db` }),
    ).rejects.toThrow();
    expect(received.length).toBeGreaterThan(0);
  });
});
