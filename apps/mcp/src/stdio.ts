import { LatchkeyClient } from '@latchkey/client';
import { ConfigError, exitOnConfigError } from '@latchkey/config';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { readStdioEnv } from './env';
import { createLatchkeyMcpServer } from './tools';

/** stdio entry for local MCP clients: the key from LATCHKEY_API_KEY, the api from LATCHKEY_API_URL. */
async function main() {
  const env = readStdioEnv();
  const client = new LatchkeyClient({
    endpoint: env.LATCHKEY_API_URL,
    apiKey: env.LATCHKEY_API_KEY,
  });
  const server = createLatchkeyMcpServer(client);
  // stdout carries the protocol: anything else goes to stderr.
  await server.connect(new StdioServerTransport());
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) exitOnConfigError(error);
  console.error(`latchkey mcp: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
