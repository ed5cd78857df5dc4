import type { Server } from 'node:http';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../api/test/harness';
import { createMcpHttpServer } from '../src/http';

const LIMIT = 5;
const WINDOW_SECONDS = 600;

/**
 * The api counts failed logins per client address; MCP users reach it through one MCP process.
 * The MCP server forwards each client's address and the api believes it from the MCP server
 * only (LATCHKEY_TRUSTED_PROXIES), so one attacker does not lock every MCP user out. Clients
 * are told apart by their own loopback source addresses (127.0.0.2, 127.0.0.3, ...).
 */
describe('the MCP server forwards its clients’ addresses to the api’s failed-login limit', () => {
  let api: TestApi;
  let apiKey: string;
  let mcp: Server;
  let mcpUrl: string;

  /** One HTTP request from `localAddress`, as a client on that address would send it. */
  function send(
    url: string,
    options: {
      localAddress: string;
      method?: string;
      headers: Record<string, string>;
      body?: string;
    },
  ) {
    return new Promise<{ status: number; body: string; retryAfter?: string }>((resolve, reject) => {
      const req = request(
        url,
        {
          method: options.method ?? 'GET',
          localAddress: options.localAddress,
          headers: options.headers,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              body: Buffer.concat(chunks).toString('utf8'),
              retryAfter: res.headers['retry-after'],
            }),
          );
        },
      );
      req.on('error', reject);
      req.end(options.body);
    });
  }

  const initialize = JSON.stringify({
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: {
      protocolVersion: '2025-06-18',
      capabilities: {},
      clientInfo: { name: 'raw', version: '0' },
    },
  });

  /** An MCP initialize from `localAddress` with `key` (and any X-Forwarded-For it makes up). */
  const viaMcp = (localAddress: string, key: string, forwardedFor?: string) =>
    send(mcpUrl, {
      localAddress,
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        authorization: `Bearer ${key}`,
        ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}),
      },
      body: initialize,
    });

  const wrongKey = (i: number) => `lk_mcpaddr${String(i).padStart(4, '0')}${'w'.repeat(33)}`;

  beforeAll(async () => {
    // Only the MCP server's own address (127.0.0.1, where it connects to the api from) is a
    // trusted proxy.
    api = await startTestApi({
      limits: {
        authFailuresPerAddress: LIMIT,
        authFailuresPerKeyPrefix: 1_000,
        authFailureWindowSeconds: WINDOW_SECONDS,
        trustedProxies: ['127.0.0.1'],
      },
    });
    apiKey = (await api.createTenant('acme-mcp-addresses')).apiKey;
    mcp = createMcpHttpServer({ apiUrl: api.publicUrl, keyCacheMs: 0 });
    await new Promise<void>((resolve) => mcp.listen(0, '127.0.0.1', resolve));
    mcpUrl = `http://127.0.0.1:${(mcp.address() as AddressInfo).port}/mcp`;
  });
  afterAll(async () => {
    if (mcp) {
      mcp.closeAllConnections();
      await new Promise<void>((resolve) => mcp.close(() => resolve()));
    }
    await api?.close();
  });

  it('wrong keys from one MCP client block that client only', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT + 3; i++)
      statuses.push((await viaMcp('127.0.0.2', wrongKey(i))).status);
    expect(statuses.slice(0, LIMIT)).toEqual(Array(LIMIT).fill(401));
    expect(statuses.slice(LIMIT)).toEqual([429, 429, 429]);
    // Blocked whatever key it sends, even a right one: the block answers no guesses.
    const blocked = await viaMcp('127.0.0.2', apiKey);
    expect(blocked.status).toBe(429);
    expect(blocked.body).toMatch(/failed authentications per client address/);
    // The api's wait is passed on: whole seconds, within the failure window.
    expect(Number(blocked.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(blocked.retryAfter)).toBeLessThanOrEqual(WINDOW_SECONDS);
    // Another MCP client, through the same MCP process, is not locked out.
    expect((await viaMcp('127.0.0.3', apiKey)).status).toBe(200);
    expect((await viaMcp('127.0.0.3', wrongKey(100))).status).toBe(401);
  });

  it('an X-Forwarded-For an untrusted peer makes up is ignored', async () => {
    // Sent to the MCP server: it appends the address it saw, and the api reads no further left.
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT + 2; i++) {
      statuses.push((await viaMcp('127.0.0.4', wrongKey(200 + i), `198.51.100.${i}`)).status);
    }
    expect(statuses.slice(LIMIT)).toEqual([429, 429]);

    // Sent straight to the api by a peer it does not trust: every guess counts against that peer.
    const direct = (i: number) =>
      send(`${api.publicUrl}/trpc/tenant.me`, {
        localAddress: '127.0.0.5',
        headers: {
          authorization: `Bearer ${wrongKey(300 + i)}`,
          'x-forwarded-for': `192.0.2.${i}`,
        },
      });
    const answers: number[] = [];
    for (let i = 0; i < LIMIT + 2; i++) answers.push((await direct(i)).status);
    expect(answers).toEqual([...Array(LIMIT).fill(401), 429, 429]);
  });
});
