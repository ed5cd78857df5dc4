import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isLatchkeyError, LatchkeyClient } from '@latchkey/client';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { createLatchkeyMcpServer } from './tools';

export interface McpHttpServerOptions {
  /** The Latchkey api's base URL (without `/trpc`). */
  apiUrl: string;
  /** How long a key the api accepted is trusted without asking again (default 30 s). */
  keyCacheMs?: number;
  /** Errors while serving a request (never containing the key). */
  onError?: (error: unknown) => void;
}

const MCP_PATH = '/mcp';
const MAX_CACHED_KEYS = 1_000;

function sendJson(res: ServerResponse, status: number, body: unknown, headers = {}) {
  if (res.headersSent) return;
  res
    .writeHead(status, { 'content-type': 'application/json', ...headers })
    .end(JSON.stringify(body));
}

function bearerKey(req: IncomingMessage): string | null {
  const header = req.headers.authorization;
  if (typeof header !== 'string') return null;
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return match?.[1] ?? null;
}

/**
 * The X-Forwarded-For the api gets: whatever chain came in, plus the address this server saw.
 * The api believes it only when this server is one of its `LATCHKEY_TRUSTED_PROXIES`, and then
 * only as far as the hops it trusts: without it, every MCP user's failed logins would count
 * against this process's one address, and one attacker would lock every MCP user out.
 */
function forwardedFor(req: IncomingMessage): string {
  const incoming = req.headers['x-forwarded-for'];
  const chain = Array.isArray(incoming) ? incoming.join(', ') : incoming;
  const peer = req.socket.remoteAddress ?? 'unknown';
  return chain ? `${chain}, ${peer}` : peer;
}

type KeyCheck =
  | { ok: true }
  | { ok: false; status: number; error: string; message: string; retryAfterSeconds?: number };

/**
 * The Streamable HTTP MCP server: `/mcp` (POST, GET, DELETE) with `Authorization: Bearer <api
 * key>`, checked against the api's `tenant.me` before any MCP handling (401 when refused).
 * Stateless: each request gets its own transport and server, calling the api with its key.
 */
export function createMcpHttpServer(options: McpHttpServerOptions): Server {
  const { apiUrl } = options;
  const keyCacheMs = options.keyCacheMs ?? 30_000;
  /** sha256(key) -> when the api last accepted it. Keys themselves are never kept. */
  const validKeys = new Map<string, number>();

  async function checkKey(apiKey: string, forwarded: string): Promise<KeyCheck> {
    const digest = createHash('sha256').update(apiKey).digest('hex');
    const checkedAt = validKeys.get(digest);
    if (checkedAt !== undefined && Date.now() - checkedAt < keyCacheMs) return { ok: true };
    validKeys.delete(digest);
    let client: LatchkeyClient;
    try {
      client = new LatchkeyClient({
        endpoint: apiUrl,
        apiKey,
        headers: { 'x-forwarded-for': forwarded },
      });
    } catch {
      return { ok: false, status: 401, error: 'unauthorized', message: 'invalid API key' };
    }
    try {
      await client.me();
    } catch (error) {
      if (isLatchkeyError(error) && (error.code === 'UNAUTHORIZED' || error.code === 'FORBIDDEN')) {
        return { ok: false, status: 401, error: 'unauthorized', message: 'invalid API key' };
      }
      // Too many failed logins from this client's address: passed on with the api's wait.
      if (isLatchkeyError(error) && error.code === 'TOO_MANY_REQUESTS') {
        return {
          ok: false,
          status: 429,
          error: 'too_many_requests',
          message: error.message,
          retryAfterSeconds: error.retryAfterSeconds ?? undefined,
        };
      }
      options.onError?.(error);
      return {
        ok: false,
        status: 502,
        error: 'bad_gateway',
        message: 'the Latchkey api could not be reached to check the API key',
      };
    }
    if (validKeys.size >= MAX_CACHED_KEYS) {
      const oldest = validKeys.keys().next().value;
      if (oldest !== undefined) validKeys.delete(oldest);
    }
    validKeys.set(digest, Date.now());
    return { ok: true };
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path !== MCP_PATH) {
      sendJson(res, 404, { error: 'not_found', message: `no route for ${path}; use ${MCP_PATH}` });
      return;
    }
    const method = req.method ?? 'GET';
    if (!['POST', 'GET', 'DELETE'].includes(method)) {
      sendJson(res, 405, { error: 'method_not_allowed' }, { allow: 'POST, GET, DELETE' });
      return;
    }
    const apiKey = bearerKey(req);
    if (!apiKey) {
      sendJson(
        res,
        401,
        { error: 'unauthorized', message: 'send Authorization: Bearer <Latchkey API key>' },
        { 'www-authenticate': 'Bearer' },
      );
      return;
    }
    const forwarded = forwardedFor(req);
    const check = await checkKey(apiKey, forwarded);
    if (!check.ok) {
      const headers: Record<string, string> = {};
      if (check.status === 401) headers['www-authenticate'] = 'Bearer error="invalid_token"';
      if (check.retryAfterSeconds !== undefined) {
        headers['retry-after'] = String(check.retryAfterSeconds);
      }
      sendJson(res, check.status, { error: check.error, message: check.message }, headers);
      return;
    }

    const client = new LatchkeyClient({
      endpoint: apiUrl,
      apiKey,
      headers: { 'x-forwarded-for': forwarded },
    });
    const server = createLatchkeyMcpServer(client);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res);
  }

  return createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      options.onError?.(error);
      sendJson(res, 500, {
        jsonrpc: '2.0',
        error: { code: -32603, message: 'Internal server error' },
        id: null,
      });
    });
  });
}
