import { exitOnConfigError } from '@latchkey/config';
import { type McpEnv, readMcpEnv } from './env';
import { createMcpHttpServer } from './http';

let env: McpEnv;
try {
  env = readMcpEnv();
} catch (error) {
  exitOnConfigError(error);
}
const server = createMcpHttpServer({
  apiUrl: env.LATCHKEY_API_URL,
  onError: (error) => console.error('mcp: request failed:', error),
});

server.listen(env.MCP_PORT, env.MCP_HOST, () => {
  console.log(
    `Latchkey MCP server on http://${env.MCP_HOST}:${env.MCP_PORT}/mcp (api ${env.LATCHKEY_API_URL})`,
  );
});

function shutdown() {
  server.closeAllConnections();
  server.close(() => process.exit(0));
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
