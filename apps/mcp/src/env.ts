import { z } from 'zod';

const schema = z.object({
  /** Where the Streamable HTTP server listens. */
  MCP_HOST: z.string().min(1).default('127.0.0.1'),
  MCP_PORT: z.coerce.number().int().min(0).max(65535).default(3100),
  /** The Latchkey api's base URL (without `/trpc`). */
  LATCHKEY_API_URL: z.url().default('http://127.0.0.1:3000'),
});

export type McpEnv = z.infer<typeof schema>;

/** The HTTP server's configuration, validated once; errors name the variable. */
export function readMcpEnv(env: NodeJS.ProcessEnv = process.env): McpEnv {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid mcp configuration: ${problems.join('; ')}`);
  }
  return parsed.data;
}

const stdioSchema = z.object({
  LATCHKEY_API_URL: z.url().default('http://127.0.0.1:3000'),
  LATCHKEY_API_KEY: z.string().min(1, 'is required (a tenant API key)'),
});

export type McpStdioEnv = z.infer<typeof stdioSchema>;

/** The stdio server's configuration: the api URL and the tenant API key. */
export function readStdioEnv(env: NodeJS.ProcessEnv = process.env): McpStdioEnv {
  const parsed = stdioSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid mcp configuration: ${problems.join('; ')}`);
  }
  return parsed.data;
}
