import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { LatchkeyClient } from '@latchkey/client';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../api/test/harness';
import { createMcpHttpServer } from '../src/http';

/** The `mcp-remote` package's own entry point, as `npx mcp-remote` would run it. */
const MCP_REMOTE = (() => {
  const require = createRequire(import.meta.url);
  const manifest = require.resolve('mcp-remote/package.json');
  const { bin } = JSON.parse(readFileSync(manifest, 'utf8')) as { bin: Record<string, string> };
  return path.join(path.dirname(manifest), bin['mcp-remote'] ?? 'dist/proxy.js');
})();
/** The documentation's argument: mcp-remote itself expands `${AUTH_HEADER}` from its env. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: a placeholder for mcp-remote, not for JS
const HEADER_ARG = 'Authorization:${AUTH_HEADER}';
// biome-ignore lint/suspicious/noTemplateCurlyInString: a placeholder for mcp-remote, not for JS
const HEADER_ARG_WITH_SPACE = 'Authorization: ${AUTH_HEADER}';
const AUTHORIZE_URL = 'https://auth.example.test/authorize';
const RETURN_URL = 'https://app.example.test/connected';

const textOf = (result: unknown) =>
  (result as CallToolResult).content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');

/**
 * The README's client configuration, run for real: `mcp-remote <url>/mcp --header
 * Authorization:${AUTH_HEADER}` with `AUTH_HEADER=Bearer <key>` in its environment, spawned as
 * the MCP client's stdio server, in front of the Streamable HTTP server and a real api.
 */
describe('the MCP server through mcp-remote, as the documentation configures it', () => {
  let api: TestApi;
  let mcp: Server;
  let mcpUrl: string;
  let apiKey: string;
  /** mcp-remote's home and config dir: any OAuth state it kept would land here. */
  let home: string;
  const requests: { method: string; path: string; authorized: boolean; status: number }[] = [];
  const stderr: string[] = [];
  const clients: Client[] = [];

  async function throughMcpRemote(headerArg: string): Promise<Client> {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [MCP_REMOTE, mcpUrl, '--header', headerArg],
      env: {
        PATH: process.env.PATH ?? '',
        HOME: home,
        MCP_REMOTE_CONFIG_DIR: path.join(home, '.mcp-auth'),
        AUTH_HEADER: `Bearer ${apiKey}`,
      },
      stderr: 'pipe',
    });
    transport.stderr?.on('data', (chunk) => stderr.push(String(chunk)));
    const client = new Client({ name: 'mcp-remote-test', version: '0.0.0' });
    await client.connect(transport);
    clients.push(client);
    return client;
  }

  beforeAll(async () => {
    api = await startTestApi();
    apiKey = (await api.createTenant('acme')).apiKey;
    const latchkey = new LatchkeyClient({ endpoint: api.url.replace(/\/trpc$/, ''), apiKey });
    await latchkey.trpc.tenant.updateSettings.mutate({
      returnOrigins: [new URL(RETURN_URL).origin],
    });
    await latchkey.upsertIntegration({
      id: 'crm',
      name: 'Example CRM',
      urlHost: 'https://crm.example.test',
      auth: { type: 'oauth2' },
      oauth: {
        clientId: 'latchkey-app',
        clientSecret: 'crm-client-secret-1234abcd',
        authorizeUrl: AUTHORIZE_URL,
        tokenUrl: 'https://auth.example.test/token',
        scopes: ['read'],
      },
    });
    await latchkey.upsertIntegration({ id: 'plain', urlHost: 'https://plain.example.test' });
    mcp = createMcpHttpServer({ apiUrl: api.url.replace(/\/trpc$/, '') });
    mcp.on('request', (req, res) => {
      res.on('finish', () =>
        requests.push({
          method: req.method ?? '',
          path: req.url ?? '',
          authorized: req.headers.authorization === `Bearer ${apiKey}`,
          status: res.statusCode,
        }),
      );
    });
    await new Promise<void>((resolve) => mcp.listen(0, '127.0.0.1', resolve));
    mcpUrl = `http://127.0.0.1:${(mcp.address() as AddressInfo).port}/mcp`;
    home = await mkdtemp(path.join(os.tmpdir(), 'latchkey-mcp-remote-'));
  });

  afterAll(async () => {
    for (const client of clients) await client.close().catch(() => {});
    if (mcp) {
      mcp.closeAllConnections();
      await new Promise<void>((resolve) => mcp.close(() => resolve()));
    }
    await api?.close();
    if (home) await rm(home, { recursive: true, force: true });
  });

  it('lists the tools and calls one, the key from AUTH_HEADER (no space after the colon)', async () => {
    const client = await throughMcpRemote(HEADER_ARG);
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(
      expect.arrayContaining(['list_integrations', 'execute_workflow', 'connect_link']),
    );
    const integrations = await client.callTool({ name: 'list_integrations', arguments: {} });
    expect(integrations.isError).toBeFalsy();
    expect(textOf(integrations)).toContain('"crm"');
  }, 60_000);

  it('takes the header with a space after the colon too', async () => {
    const client = await throughMcpRemote(HEADER_ARG_WITH_SPACE);
    const integrations = await client.callTool({ name: 'list_integrations', arguments: {} });
    expect(textOf(integrations)).toContain('"plain"');
  }, 60_000);

  it('connect_link returns a link that connects that user, for an OAuth integration only', async () => {
    const client = await throughMcpRemote(HEADER_ARG);
    const created = await client.callTool({
      name: 'connect_link',
      arguments: {
        integrationId: 'crm',
        userId: 'dana@example.test',
        returnUrl: RETURN_URL,
        ttlMinutes: 5,
      },
    });
    expect(created.isError).toBeFalsy();
    const link = JSON.parse(textOf(created)) as { url: string; linkId: string; expiresAt: string };
    expect(created.structuredContent).toEqual(link);
    expect(link.url.startsWith(`${api.publicUrl}/connect/v1.`)).toBe(true);
    const ttl = new Date(link.expiresAt).getTime() - Date.now();
    expect(ttl).toBeGreaterThan(4 * 60_000);
    expect(ttl).toBeLessThanOrEqual(5 * 60_000);

    // What the user sees on opening it, and where continuing takes them: for dana, nobody else.
    const page = await fetch(link.url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Connect your Example CRM account');
    const started = await fetch(link.url, { method: 'POST', redirect: 'manual' });
    expect(started.status).toBe(303);
    expect(started.headers.get('location')?.startsWith(AUTHORIZE_URL)).toBe(true);
    const states = await api.db.selectFrom('oauth_states').selectAll().execute();
    expect(states.map((s) => [s.integration_id, s.user_id, s.return_url])).toEqual([
      ['crm', 'dana@example.test', RETURN_URL],
    ]);

    const plain = await client.callTool({
      name: 'connect_link',
      arguments: { integrationId: 'plain', userId: 'dana@example.test' },
    });
    expect(plain.isError).toBe(true);
    expect(textOf(plain)).toMatch(/^PRECONDITION_FAILED: .*no OAuth client/);
    const missing = await client.callTool({
      name: 'connect_link',
      arguments: { integrationId: 'nope', userId: 'dana@example.test' },
    });
    expect(textOf(missing)).toMatch(/^NOT_FOUND: No integration 'nope'/);
    const tooLong = await client.callTool({
      name: 'connect_link',
      arguments: { integrationId: 'crm', userId: 'dana@example.test', ttlMinutes: 2000 },
    });
    expect(tooLong.isError).toBe(true);
    expect(textOf(tooLong)).toContain('ttlMinutes');
  }, 60_000);

  it('never ran an OAuth flow nor showed the key: nothing refused, nothing stored', async () => {
    const calls = requests.filter((request) => request.path === '/mcp');
    expect(calls.length).toBeGreaterThan(5);
    // A 401 is what would send mcp-remote on to client registration and a browser: none came.
    for (const call of calls) {
      expect(call.authorized).toBe(true);
      expect(call.status).toBeLessThan(400);
    }
    // At start it looks for OAuth metadata at the server's origin (nothing there), no further.
    for (const other of requests.filter((request) => request.path !== '/mcp')) {
      expect(other).toMatchObject({ method: 'GET', status: 404 });
      expect(other.path).toMatch(/\.well-known\/(oauth-authorization-server|openid-configuration)/);
    }
    const kept = await readdir(home, { recursive: true });
    expect(kept.filter((name) => /tokens|client_info|code_verifier/.test(name))).toEqual([]);
    expect(stderr.join('')).toContain('Using custom headers: Authorization');
    expect(stderr.join('')).not.toContain(apiKey);
  });

  it('refuses plain http to a host other than localhost or 127.0.0.1 without --allow-http', async () => {
    // [::1] is loopback too, but mcp-remote only lets `localhost` and `127.0.0.1` use http.
    const child = spawn(process.execPath, [MCP_REMOTE, 'http://[::1]:9/mcp'], {
      env: { PATH: process.env.PATH ?? '', HOME: home },
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    let output = '';
    child.stderr.on('data', (chunk) => {
      output += String(chunk);
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    expect(output).toContain('Non-HTTPS URLs are only allowed for localhost');
  });
});
