export { type McpEnv, type McpStdioEnv, readMcpEnv, readStdioEnv } from './env';
export { createMcpHttpServer, type McpHttpServerOptions } from './http';
export { createLatchkeyMcpServer, SERVER_NAME, SERVER_VERSION, toolError } from './tools';
