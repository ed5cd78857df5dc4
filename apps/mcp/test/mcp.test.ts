import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { LatchkeyClient } from '@latchkey/client';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../api/test/harness';
import { json, type LoopbackServer, startLoopbackServer } from '../../api/test/loopback';
import { startTestWorker } from '../../api/test/worker-harness';
import { createMcpHttpServer } from '../src/http';

const STORED_KEY = 'svc-stored-secret-5555eeee';
const RUNTIME_KEY = 'svc-runtime-secret-6666ffff';
const SECRETS = [STORED_KEY, RUNTIME_KEY];
const ITEMS = [
  { id: 'item-1', name: 'First' },
  { id: 'item-2', name: 'Second' },
];
const STEPS = [{ id: 'get', integrationId: 'svc', method: 'GET', path: '/items' }];
const TOOL_NAMES = [
  'build_workflow',
  'connect_link',
  'execute_workflow',
  'get_run',
  'get_workflow',
  'list_integrations',
  'list_runs',
  'list_templates',
  'list_workflows',
  'test_integration',
];
const STDIO_ENTRY = fileURLToPath(new URL('../src/stdio.ts', import.meta.url));
const APP_DIR = fileURLToPath(new URL('..', import.meta.url));

function textOf(result: unknown): string {
  const { content } = result as CallToolResult;
  return content.map((part) => (part.type === 'text' ? part.text : '')).join('\n');
}

function parsed<T = Record<string, unknown>>(result: unknown): T {
  return JSON.parse(textOf(result)) as T;
}

describe('the Latchkey MCP server', () => {
  let api: TestApi;
  let worker: Awaited<ReturnType<typeof startTestWorker>>;
  let svc: LoopbackServer;
  let mcp: Server;
  let mcpUrl: URL;
  let apiUrl: string;
  let apiKey: string;
  const resultTexts: string[] = [];
  const clients: Client[] = [];

  async function connectHttp(key: string): Promise<Client> {
    const client = new Client({ name: 'mcp-test', version: '0.0.0' });
    const transport = new StreamableHTTPClientTransport(mcpUrl, {
      requestInit: { headers: { Authorization: `Bearer ${key}` } },
    });
    await client.connect(transport);
    clients.push(client);
    return client;
  }

  async function callTool(client: Client, name: string, args: Record<string, unknown> = {}) {
    const result = await client.callTool({ name, arguments: args });
    resultTexts.push(textOf(result), JSON.stringify(result));
    return result;
  }

  beforeAll(async () => {
    api = await startTestApi();
    worker = await startTestWorker(api);
    svc = await startLoopbackServer((req, res) => {
      if (
        ![`Bearer ${STORED_KEY}`, `Bearer ${RUNTIME_KEY}`].includes(`${req.headers.authorization}`)
      ) {
        return json(res, 401, { message: 'bad key' });
      }
      // A careless API that echoes the caller's credential back.
      if (req.path === '/whoami') return json(res, 200, { auth: req.headers.authorization });
      // Stripe's verification request, for test_integration.
      if (req.path === '/v1/account') return json(res, 200, { id: 'acct_1' });
      if (req.path !== '/items') return json(res, 404, { message: 'no such path' });
      json(res, 200, ITEMS);
    });
    api.allowEgress(svc.url);
    apiUrl = api.url.replace(/\/trpc$/, '');
    apiKey = (await api.createTenant('acme')).apiKey;
    const latchkey = new LatchkeyClient({ endpoint: apiUrl, apiKey });
    await latchkey.upsertIntegration({
      id: 'svc',
      urlHost: svc.url,
      auth: { type: 'bearer', credential: 'api_key' },
      credentials: { api_key: STORED_KEY },
    });
    mcp = createMcpHttpServer({ apiUrl });
    await new Promise<void>((resolve) => mcp.listen(0, '127.0.0.1', resolve));
    const { port } = mcp.address() as AddressInfo;
    mcpUrl = new URL(`http://127.0.0.1:${port}/mcp`);
  });

  afterAll(async () => {
    for (const client of clients) await client.close().catch(() => {});
    if (mcp) {
      mcp.closeAllConnections();
      await new Promise<void>((resolve) => mcp.close(() => resolve()));
    }
    await worker?.stop();
    await svc?.close();
    await api?.close();
  });

  it('lists its tools with descriptions and input schemas', async () => {
    const client = await connectHttp(apiKey);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(TOOL_NAMES);
    for (const tool of tools) {
      expect(tool.description?.length ?? 0).toBeGreaterThan(20);
      expect(tool.inputSchema.type).toBe('object');
    }
    const execute = tools.find((t) => t.name === 'execute_workflow');
    expect(Object.keys(execute?.inputSchema.properties ?? {})).toEqual(
      expect.arrayContaining(['workflowId', 'workflow', 'payload', 'credentials', 'wait']),
    );
    const build = tools.find((t) => t.name === 'build_workflow');
    expect(build?.inputSchema.required).toEqual(
      expect.arrayContaining(['instruction', 'integrationIds']),
    );
  });

  it('lists integrations and templates without secrets', async () => {
    const client = await connectHttp(apiKey);
    const integrations = await callTool(client, 'list_integrations');
    expect(integrations.isError).toBeFalsy();
    expect(textOf(integrations)).toContain('"svc"');
    const templates = await callTool(client, 'list_templates', {});
    expect(templates.isError).toBeFalsy();
    const page = JSON.parse(textOf(templates));
    expect(page.templates).toHaveLength(20);
    expect(page).toMatchObject({ offset: 0, nextOffset: 20 });
    expect(page.total).toBeGreaterThanOrEqual(400);
    const next = JSON.parse(textOf(await callTool(client, 'list_templates', { offset: 20 })));
    expect(next.offset).toBe(20);
    expect(next.templates[0].id).not.toBe(page.templates[0].id);
  });

  it('builds, lists, gets and executes a workflow, then gets the run', async () => {
    const client = await connectHttp(apiKey);
    const built = await callTool(client, 'build_workflow', {
      id: 'svc-items',
      instruction: 'Get all items from the service',
      integrationIds: ['svc'],
      steps: STEPS,
    });
    expect(built.isError).toBeFalsy();
    expect(parsed(built)).toMatchObject({ id: 'svc-items', version: 1 });
    expect(built.structuredContent).toMatchObject({ id: 'svc-items' });

    const list = await callTool(client, 'list_workflows');
    expect(textOf(list)).toContain('svc-items');
    const got = await callTool(client, 'get_workflow', { id: 'svc-items' });
    expect(parsed(got)).toMatchObject({ id: 'svc-items', version: 1 });

    const run = await callTool(client, 'execute_workflow', { workflowId: 'svc-items' });
    expect(run.isError).toBeFalsy();
    const runView = parsed<{ runId: string; status: string; output: unknown }>(run);
    expect(runView.status).toBe('succeeded');
    expect(JSON.stringify(runView.output)).toContain('item-1');

    const fetched = await callTool(client, 'get_run', { runId: runView.runId });
    expect(parsed(fetched)).toMatchObject({ runId: runView.runId, status: 'succeeded' });

    const second = parsed<{ runId: string }>(
      await callTool(client, 'execute_workflow', { workflowId: 'svc-items' }),
    );
    const newest = await callTool(client, 'list_runs', { workflowId: 'svc-items', limit: 1 });
    expect(parsed<{ runId: string }[]>(newest).map((r) => r.runId)).toEqual([second.runId]);
    const older = await callTool(client, 'list_runs', {
      workflowId: 'svc-items',
      limit: 1,
      before: second.runId,
    });
    expect(parsed<{ runId: string }[]>(older).map((r) => r.runId)).toEqual([runView.runId]);
  });

  it('runs with runtime credentials, or returns the run id at once, never echoing them', async () => {
    const client = await connectHttp(apiKey);
    const run = await callTool(client, 'execute_workflow', {
      workflow: {
        instruction: 'Get the items, with a runtime key',
        integrationIds: ['svc'],
        steps: STEPS,
      },
      credentials: { svc_api_key: RUNTIME_KEY },
    });
    expect(run.isError).toBeFalsy();
    expect(parsed(run)).toMatchObject({ status: 'succeeded' });

    const started = await callTool(client, 'execute_workflow', {
      workflowId: 'svc-items',
      wait: false,
    });
    const { runId } = parsed<{ runId: string }>(started);
    expect(runId).toMatch(/^[0-9a-f-]{36}$/);
    await expect
      .poll(async () => parsed(await callTool(client, 'get_run', { runId })).status, {
        timeout: 20_000,
      })
      .toBe('succeeded');
  });

  it('masks runtime credentials even when the third-party API echoes them', async () => {
    const client = await connectHttp(apiKey);
    const run = await callTool(client, 'execute_workflow', {
      workflow: {
        instruction: 'Ask the service who we are',
        integrationIds: ['svc'],
        steps: [{ id: 'who', integrationId: 'svc', method: 'GET', path: '/whoami' }],
      },
      credentials: { svc_api_key: RUNTIME_KEY },
    });
    expect(run.isError).toBeFalsy();
    const view = parsed<{ status: string; output: unknown }>(run);
    expect(view.status).toBe('succeeded');
    // The worker masks it already; the MCP layer would too (see tools.test.ts).
    expect(JSON.stringify(view.output)).toMatch(/Bearer \[(REDACTED|redacted)\]/);
    expect(JSON.stringify(run.structuredContent)).not.toContain(RUNTIME_KEY);
  });

  it('tests an integration’s credentials, and says why one cannot be tested', async () => {
    const latchkey = new LatchkeyClient({ endpoint: apiUrl, apiKey });
    await latchkey.upsertIntegration({
      id: 'stripe-svc',
      templateId: 'stripe',
      urlHost: svc.url,
      credentials: { secret_key: STORED_KEY },
    });
    const client = await connectHttp(apiKey);
    const tested = await callTool(client, 'test_integration', { id: 'stripe-svc' });
    expect(parsed(tested)).toMatchObject({
      outcome: 'ok',
      status: 200,
      request: 'GET /v1/account',
    });
    const untestable = await callTool(client, 'test_integration', { id: 'svc' });
    expect(untestable.isError).toBe(true);
    expect(textOf(untestable)).toMatch(/^PRECONDITION_FAILED: .*no verification request/);
  });

  it('turns api errors into tool errors with the code and message', async () => {
    const client = await connectHttp(apiKey);
    const missing = await callTool(client, 'get_workflow', { id: 'no-such-workflow' });
    expect(missing.isError).toBe(true);
    expect(textOf(missing)).toMatch(/^NOT_FOUND: /);

    const neither = await callTool(client, 'execute_workflow', {
      credentials: { svc_api_key: RUNTIME_KEY },
    });
    expect(neither.isError).toBe(true);
    expect(textOf(neither)).toContain('BAD_REQUEST');
    expect(textOf(neither)).not.toContain(RUNTIME_KEY);
  });

  it('refuses a wrong or missing key with 401 before any MCP handling', async () => {
    await expect(connectHttp('lk_wrong_key_0000')).rejects.toThrow();
    const init = {
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: {
        protocolVersion: '2025-06-18',
        capabilities: {},
        clientInfo: { name: 'raw', version: '0' },
      },
    };
    const headers = {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
    };
    const wrong = await fetch(mcpUrl, {
      method: 'POST',
      headers: { ...headers, authorization: 'Bearer lk_wrong_key_0000' },
      body: JSON.stringify(init),
    });
    expect(wrong.status).toBe(401);
    const none = await fetch(mcpUrl, { method: 'POST', headers, body: JSON.stringify(init) });
    expect(none.status).toBe(401);
    const other = await fetch(new URL('/elsewhere', mcpUrl), {
      headers: { authorization: `Bearer ${apiKey}` },
    });
    expect(other.status).toBe(404);
  });

  it('works over stdio with the key from the environment', async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: ['--import', 'tsx', STDIO_ENTRY],
      cwd: APP_DIR,
      env: {
        LATCHKEY_API_URL: apiUrl,
        LATCHKEY_API_KEY: apiKey,
        PATH: process.env.PATH ?? '',
      },
      stderr: 'pipe',
    });
    const client = new Client({ name: 'mcp-stdio-test', version: '0.0.0' });
    await client.connect(transport);
    clients.push(client);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(TOOL_NAMES);
    const run = await callTool(client, 'execute_workflow', {
      workflowId: 'svc-items',
      credentials: { svc_api_key: RUNTIME_KEY },
    });
    expect(run.isError).toBeFalsy();
    expect(parsed(run)).toMatchObject({ status: 'succeeded' });
  }, 60_000);

  it('never puts a stored or runtime secret in a tool result', () => {
    expect(resultTexts.length).toBeGreaterThan(10);
    for (const text of resultTexts) {
      for (const secret of SECRETS) expect(text).not.toContain(secret);
    }
  });
});
