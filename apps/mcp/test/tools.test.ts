import { LatchkeyClient, LatchkeyError } from '@latchkey/client';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { createLatchkeyMcpServer } from '../src/tools';

const RUNTIME_KEY = 'rt-secret-"quoted"-7777';

/** A LatchkeyClient whose calls never leave the process. */
function stubClient(overrides: Partial<LatchkeyClient>): LatchkeyClient {
  const client = new LatchkeyClient({ endpoint: 'http://127.0.0.1:9', apiKey: 'lk_stub' });
  return Object.assign(client, overrides);
}

async function connect(client: LatchkeyClient) {
  const server = createLatchkeyMcpServer(client);
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const mcp = new Client({ name: 'tools-test', version: '0.0.0' });
  await mcp.connect(clientSide);
  return mcp;
}

const textOf = (result: unknown) =>
  (result as CallToolResult).content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');

describe('tool results', () => {
  it('mask runtime credentials wherever they appear, escaped or not', async () => {
    const mcp = await connect(
      stubClient({
        executeWorkflow: async (input) =>
          ({
            runId: '00000000-0000-4000-8000-000000000000',
            status: 'succeeded',
            output: { echoed: `Bearer ${RUNTIME_KEY}`, [RUNTIME_KEY]: input.credentials },
          }) as never,
      }),
    );
    const result = await mcp.callTool({
      name: 'execute_workflow',
      arguments: { workflowId: 'wf', credentials: { svc_key: RUNTIME_KEY } },
    });
    expect(result.isError).toBeFalsy();
    const everything = JSON.stringify(result);
    expect(everything).not.toContain('rt-secret');
    expect(textOf(result)).toContain('Bearer [REDACTED]');
    await mcp.close();
  });

  it('become tool errors with the code and message when the api fails', async () => {
    const mcp = await connect(
      stubClient({
        executeWorkflow: async () => {
          throw new LatchkeyError(`payload: bad value ${RUNTIME_KEY}`, { code: 'BAD_REQUEST' });
        },
        listWorkflows: async () => {
          throw new LatchkeyError('fetch failed', { code: 'NETWORK_ERROR' });
        },
      }),
    );
    const failed = await mcp.callTool({
      name: 'execute_workflow',
      arguments: { workflowId: 'wf', credentials: { svc_key: RUNTIME_KEY } },
    });
    expect(failed.isError).toBe(true);
    expect(textOf(failed)).toBe('BAD_REQUEST: payload: bad value [REDACTED]');
    const down = await mcp.callTool({ name: 'list_workflows', arguments: {} });
    expect(down).toMatchObject({ isError: true });
    expect(textOf(down)).toBe('NETWORK_ERROR: fetch failed');
    await mcp.close();
  });
});
