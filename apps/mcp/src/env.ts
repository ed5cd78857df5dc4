import { readProcessEnv } from '@latchkey/config';
import { z } from 'zod';

/** The Latchkey api's base URL (without `/trpc`). */
const apiUrlEnv = { LATCHKEY_API_URL: z.url().default('http://127.0.0.1:3000') };

/** Every variable the Streamable HTTP server reads (README: Configuration). */
export const mcpEnv = {
  ...apiUrlEnv,
  /** Where the Streamable HTTP server listens. */
  MCP_HOST: z.string().min(1).default('127.0.0.1'),
  MCP_PORT: z.coerce.number().int().min(0).max(65535).default(3100),
};

export type McpEnv = ReturnType<typeof readMcpEnv>;

/** The HTTP server's configuration, checked once; a ConfigError names each bad variable. */
export function readMcpEnv(env: NodeJS.ProcessEnv = process.env) {
  return readProcessEnv('mcp', mcpEnv, env);
}

/** Every variable the stdio server reads: the api URL and the tenant API key. */
export const mcpStdioEnv = {
  ...apiUrlEnv,
  LATCHKEY_API_KEY: z.string({ error: 'is required (a tenant API key)' }).min(1),
};

export type McpStdioEnv = ReturnType<typeof readStdioEnv>;

export function readStdioEnv(env: NodeJS.ProcessEnv = process.env) {
  return readProcessEnv('mcp', mcpStdioEnv, env);
}
