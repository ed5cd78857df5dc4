import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { bearerToken } from '@latchkey/api';
import type { Db } from '@latchkey/db';
import type { Logger } from '@latchkey/logger';
import { createTenantPayloadCodec, RedactionError, redactPayload } from '@latchkey/temporal';
import type { Vault } from '@latchkey/vault';
import type { Payload } from '@temporalio/client';
import { authenticateKey, authenticateKeyId, type CodecAuth } from './auth';
import { loginPage, PAGE_SECURITY_HEADERS, signedInPage, signedOutPage } from './pages';
import {
  CODEC_SESSION_COOKIE,
  clearedSessionCookie,
  createSessionTokens,
  DEFAULT_SESSION_TTL_MS,
  readCookie,
  sessionCookie,
} from './session';
import { parsePayloads, serialisePayloads, WireFormatError } from './wire';

export const CODEC_BASE_PATH = '/codec';
export const MAX_CODEC_BODY_BYTES = 4 * 1024 * 1024;
const MAX_FORM_BYTES = 16 * 1024;
/** Latchkey API keys start with this; other bearer tokens (the UI's own OIDC token) are not ours. */
const API_KEY_PREFIX = 'lk_';

export interface CodecHandlerDeps {
  db: Db;
  /** The api's vault: tenant keys open the payloads, the platform key seals sessions. */
  vault: Vault;
  log: Logger;
  /** Origins of the Temporal UI, e.g. `http://127.0.0.1:8233`; they get CORS with credentials. */
  allowedOrigins: readonly string[];
  /**
   * The api's public base URL. Its origin is accepted as this api's own (behind a proxy the
   * request alone does not tell), and an https one makes the session cookie `Secure`.
   */
  publicUrl?: string;
  /** The Temporal UI's base URL, linked from the signed-in page. */
  temporalUiUrl?: string;
  /** Where the handler is mounted; default `/codec`. */
  basePath?: string;
  sessionTtlMs?: number;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const JSON_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

function sendJson(
  res: ServerResponse,
  status: number,
  body: string | object,
  headers: Record<string, string> = {},
): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { ...JSON_HEADERS, ...headers }).end(text);
}

function sendHtml(res: ServerResponse, status: number, html: string): void {
  res
    .writeHead(status, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      ...PAGE_SECURITY_HEADERS,
    })
    .end(html);
}

function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/** The body, or undefined when it is larger than `limit` bytes. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  if (Number(req.headers['content-length'] ?? 0) > limit) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    req.on('data', (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > limit) {
        settled = true;
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!settled) {
        settled = true;
        resolve(Buffer.concat(chunks));
      }
    });
    req.on('error', (error) => {
      if (!settled) {
        settled = true;
        reject(error);
      }
    });
  });
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}

/**
 * The codec endpoint for the Temporal UI, mounted at `/codec`:
 *
 * - `POST /codec/decode`, `POST /codec/encode`: the codec server protocol. Payloads sealed for
 *   the caller's tenant come back decoded, with secret-looking JSON fields redacted; every
 *   other payload (other tenants', the platform's, undecodable ones) comes back unchanged.
 *   Encoding seals with the caller's tenant key as a UI payload (`binary/latchkey-ui-encrypted`,
 *   its own record kind): it decodes here again, and no worker accepts it as input.
 * - Authorised by `Authorization: Bearer <API key>` or the session cookie, for a key with the
 *   `codec` or `admin` scope: 401 without one, 403 without the scope.
 * - `GET /codec/login`, `POST /codec/session`, `POST /codec/logout`: the browser session the
 *   Temporal UI sends with "Include cross-origin credentials" (it cannot add a header itself).
 * - CORS with credentials for `allowedOrigins` only.
 *
 * Requests are logged by path and status only: never bodies, keys, cookies or payloads.
 */
export function createCodecHandler(deps: CodecHandlerDeps): Handler {
  const { db, log } = deps;
  const codec = createTenantPayloadCodec({ vault: deps.vault });
  const basePath = deps.basePath ?? CODEC_BASE_PATH;
  // `null` is the origin of sandboxed and no-referrer pages: never an allowed one.
  const allowedOrigins = new Set(deps.allowedOrigins.filter((origin) => origin !== 'null'));
  const publicUrl = deps.publicUrl ? new URL(deps.publicUrl) : undefined;
  const publicOrigin = publicUrl?.origin;
  // Behind a proxy that mounts the api under a path, the browser sees that path.
  const publicBase = publicUrl
    ? publicUrl.origin + publicUrl.pathname.replace(/\/+$/, '')
    : undefined;
  const cookiePath = (publicUrl?.pathname.replace(/\/+$/, '') ?? '') + basePath;
  const ttlMs = deps.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS;
  const sessions = createSessionTokens({ vault: deps.vault, ttlMs });

  const unauthenticated = {
    error: `Sign in at ${basePath}/login, or send Authorization: Bearer <API key>`,
  };
  const forbidden = { error: 'This API key lacks the codec scope' };

  const overTls = (req: IncomingMessage) => (req.socket as TLSSocket).encrypted === true;

  /** The origin the request was sent to, as the browser names it. */
  function requestOrigin(req: IncomingMessage): string {
    return `${overTls(req) ? 'https' : 'http'}://${req.headers.host ?? 'localhost'}`;
  }

  /** Secure cookies when the browser reaches the api over https. */
  const secureCookies = (req: IncomingMessage) =>
    overTls(req) || publicOrigin?.startsWith('https:') === true;

  /**
   * The CSRF check for cookie-authenticated requests and for signing in and out: they must
   * come from the UI's origin or from this api's own pages. Browsers send `Origin` with every
   * POST; the sign-in page's `Referrer-Policy: same-origin` keeps it a real origin rather than
   * `null` on its own form post, and `null` (a sandboxed or no-referrer page elsewhere) is
   * refused. A request without `Origin` is not from a browser, unless Fetch Metadata says it
   * is one from another site.
   */
  function originAccepted(req: IncomingMessage): boolean {
    const origin = req.headers.origin;
    if (origin === undefined) {
      const site = req.headers['sec-fetch-site'];
      return site === undefined || site === 'same-origin' || site === 'none';
    }
    return allowedOrigins.has(origin) || origin === publicOrigin || origin === requestOrigin(req);
  }

  async function authenticate(req: IncomingMessage): Promise<CodecAuth> {
    const key = bearerToken(req.headers.authorization);
    if (key?.startsWith(API_KEY_PREFIX)) return authenticateKey(db, key);
    if (key === undefined && req.headers.authorization !== undefined) {
      return { ok: false, status: 401 };
    }
    // No Latchkey key in the header (or the UI's own access token): the session cookie.
    const token = readCookie(req.headers.cookie, CODEC_SESSION_COOKIE);
    if (token === undefined) return { ok: false, status: 401 };
    if (!originAccepted(req)) return { ok: false, status: 403 };
    const apiKeyId = await sessions.verify(token);
    if (apiKeyId === undefined) return { ok: false, status: 401 };
    return authenticateKeyId(db, apiKeyId);
  }

  async function decodeFor(tenantId: string, payloads: Payload[]): Promise<Payload[]> {
    return Promise.all(
      payloads.map(async (payload) => {
        // Another tenant's or the platform's payload: returned as it came, still encrypted.
        if (codec.sealedTenant(payload) !== tenantId) return payload;
        try {
          const [decoded] = await codec.decode([payload]);
          return decoded ? redactPayload(decoded) : payload;
        } catch (error) {
          // Tampered, or JSON that cannot be checked for secrets: withheld, never half-shown.
          if (!(error instanceof RedactionError)) {
            log.warn({ path: `${basePath}/decode`, errorName: errorName(error) }, 'undecodable');
          }
          return payload;
        }
      }),
    );
  }

  async function payloadsRoute(
    req: IncomingMessage,
    res: ServerResponse,
    op: 'decode' | 'encode',
  ): Promise<void> {
    const auth = await authenticate(req);
    if (!auth.ok) {
      if (auth.status === 401) {
        sendJson(res, 401, unauthenticated, {
          'www-authenticate': 'Bearer realm="latchkey-codec"',
        });
      } else {
        sendJson(res, 403, originAccepted(req) ? forbidden : { error: 'Origin not allowed' });
      }
      return;
    }
    if (mediaType(req) !== 'application/json') {
      sendJson(res, 415, { error: 'Send application/json' });
      return;
    }
    const body = await readBody(req, MAX_CODEC_BODY_BYTES);
    if (body === undefined) {
      sendJson(res, 413, { error: 'Body too large' }, { connection: 'close' });
      return;
    }
    let payloads: Payload[];
    try {
      payloads = parsePayloads(body);
    } catch (error) {
      if (!(error instanceof WireFormatError)) throw error;
      sendJson(res, 400, { error: error.message });
      return;
    }
    const { tenantId } = auth.caller;
    const result =
      op === 'decode'
        ? await decodeFor(tenantId, payloads)
        : await codec.encodeForUi(tenantId, payloads);
    sendJson(res, 200, serialisePayloads(result));
  }

  async function readApiKey(req: IncomingMessage, form: boolean): Promise<string | undefined> {
    const fromHeader = bearerToken(req.headers.authorization);
    if (fromHeader) return fromHeader;
    const body = await readBody(req, MAX_FORM_BYTES);
    if (body === undefined) return undefined;
    if (form) return new URLSearchParams(body.toString('utf8')).get('apiKey')?.trim() || undefined;
    try {
      const parsed: unknown = JSON.parse(body.toString('utf8'));
      const key = (parsed as { apiKey?: unknown } | null)?.apiKey;
      return typeof key === 'string' && key.length > 0 ? key.trim() : undefined;
    } catch {
      return undefined;
    }
  }

  async function sessionRoute(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const type = mediaType(req);
    const form = type === 'application/x-www-form-urlencoded';
    if (!originAccepted(req)) {
      if (form) sendHtml(res, 403, loginPage('This page was posted from elsewhere.'));
      else sendJson(res, 403, { error: 'Origin not allowed' });
      return;
    }
    if (!form && type !== 'application/json' && req.headers.authorization === undefined) {
      sendJson(res, 415, { error: 'Send a form, JSON {"apiKey": ...} or Authorization: Bearer' });
      return;
    }
    const auth = await authenticateKey(db, await readApiKey(req, form));
    if (!auth.ok) {
      const message =
        auth.status === 401
          ? 'That API key is not valid, or has been revoked.'
          : 'That API key lacks the codec scope.';
      if (form) sendHtml(res, auth.status, loginPage(message));
      else sendJson(res, auth.status, auth.status === 401 ? unauthenticated : forbidden);
      return;
    }
    const { token, expiresAt } = await sessions.issue(auth.caller.apiKeyId);
    res.setHeader(
      'set-cookie',
      sessionCookie(token, cookiePath, Math.floor(ttlMs / 1000), secureCookies(req)),
    );
    if (form) {
      sendHtml(
        res,
        200,
        signedInPage({
          endpoint: publicBase ? publicBase + basePath : requestOrigin(req) + basePath,
          expiresAt,
          temporalUiUrl: deps.temporalUiUrl,
        }),
      );
    } else sendJson(res, 200, { expiresAt: expiresAt.toISOString() });
  }

  function logoutRoute(req: IncomingMessage, res: ServerResponse): void {
    req.resume();
    const form = mediaType(req) === 'application/x-www-form-urlencoded';
    if (!originAccepted(req)) {
      if (form) sendHtml(res, 403, loginPage('This page was posted from elsewhere.'));
      else sendJson(res, 403, { error: 'Origin not allowed' });
      return;
    }
    res.setHeader('set-cookie', clearedSessionCookie(cookiePath, secureCookies(req)));
    if (form) {
      sendHtml(res, 200, signedOutPage());
    } else {
      res.writeHead(204, { 'cache-control': 'no-store' }).end();
    }
  }

  function preflight(req: IncomingMessage, res: ServerResponse): void {
    const origin = req.headers.origin;
    if (origin === undefined || !allowedOrigins.has(origin)) {
      res.writeHead(403, { 'cache-control': 'no-store' }).end();
      return;
    }
    const headers: Record<string, string> = {
      'access-control-allow-methods': 'POST, OPTIONS',
      'access-control-allow-headers': 'authorization, content-type, x-namespace',
      'access-control-max-age': '600',
    };
    if (req.headers['access-control-request-private-network'] === 'true') {
      headers['access-control-allow-private-network'] = 'true';
    }
    res.writeHead(204, headers).end();
  }

  async function route(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const sub = path.startsWith(`${basePath}/`) ? path.slice(basePath.length) : undefined;
    const method = req.method ?? 'GET';
    if (method === 'OPTIONS') return preflight(req, res);
    const allow = (methods: string) => {
      res.setHeader('allow', methods);
      sendJson(res, 405, { error: 'Method not allowed' });
    };
    switch (sub) {
      case '/decode':
      case '/encode':
        if (method !== 'POST') return allow('POST, OPTIONS');
        return payloadsRoute(req, res, sub === '/decode' ? 'decode' : 'encode');
      case '/login':
        if (method !== 'GET') return allow('GET');
        return sendHtml(res, 200, loginPage());
      case '/session':
        if (method !== 'POST') return allow('POST, OPTIONS');
        return sessionRoute(req, res);
      case '/logout':
        if (method !== 'POST') return allow('POST, OPTIONS');
        return logoutRoute(req, res);
      default:
        sendJson(res, 404, { error: 'Not found' });
    }
  }

  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    res.on('finish', () => log.info({ path, status: res.statusCode }, 'codec request'));
    // CORS on every answer: credentials only for the Temporal UI's origins.
    res.setHeader('vary', 'Origin');
    const origin = req.headers.origin;
    if (origin !== undefined && allowedOrigins.has(origin)) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('access-control-allow-credentials', 'true');
    }
    route(req, res, path).catch((error: unknown) => {
      // Names only: messages can quote values (a database error quotes its input).
      log.error({ path, errorName: errorName(error) }, 'codec request failed');
      if (!res.headersSent) sendJson(res, 500, { error: 'Internal error' });
      else res.destroy();
    });
  };
}
