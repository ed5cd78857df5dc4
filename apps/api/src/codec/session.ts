import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Cookie holding a codec session: a signed API key id and expiry, never the key itself. */
export const CODEC_SESSION_COOKIE = 'latchkey_codec';
export const DEFAULT_SESSION_TTL_MS = 8 * 60 * 60 * 1000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TOKEN = /^([0-9a-f-]{36})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/;

export interface SessionTokens {
  issue(apiKeyId: string): { token: string; expiresAt: Date };
  /** The API key id of a token that is well formed, signed by us and not expired. */
  verify(token: string): string | undefined;
}

/**
 * Session tokens `<apiKeyId>.<expiry seconds>.<HMAC-SHA256>`, signed with a server secret.
 * A token says which key signed in; whether that key still may use the codec is checked in the
 * database on every request, so revoking the key ends its sessions.
 */
export function createSessionTokens(options: {
  secret?: Uint8Array;
  ttlMs?: number;
  now?: () => Date;
}): SessionTokens {
  const secret = options.secret ?? randomBytes(32);
  if (secret.length < 32) throw new Error('the codec session secret must be at least 32 bytes');
  const ttlMs = options.ttlMs ?? DEFAULT_SESSION_TTL_MS;
  const now = options.now ?? (() => new Date());
  const sign = (apiKeyId: string, expiry: number) =>
    createHmac('sha256', secret).update(`latchkey-codec-session:v1:${apiKeyId}:${expiry}`).digest();

  return {
    issue(apiKeyId) {
      const expiry = Math.floor((now().getTime() + ttlMs) / 1000);
      const signature = sign(apiKeyId, expiry).toString('base64url');
      return { token: `${apiKeyId}.${expiry}.${signature}`, expiresAt: new Date(expiry * 1000) };
    },
    verify(token) {
      const match = TOKEN.exec(token);
      if (!match) return undefined;
      const [, apiKeyId = '', expiryText = '', signature = ''] = match;
      if (!UUID.test(apiKeyId)) return undefined;
      const expiry = Number(expiryText);
      const given = Buffer.from(signature, 'base64url');
      const expected = sign(apiKeyId, expiry);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
      if (expiry * 1000 <= now().getTime()) return undefined;
      return apiKeyId;
    },
  };
}

/** The value of one cookie from a Cookie header. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const at = part.indexOf('=');
    if (at !== -1 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}

/**
 * Which attributes the session cookie gets, by how the api is reached:
 *
 * - over https (`secure`): `Secure; SameSite=None`, so the Temporal UI can send it from
 *   another site with "Include cross-origin credentials".
 * - over plain http (`pnpm dev`): `SameSite=Strict` without `Secure`. Browsers refuse
 *   `SameSite=None` without `Secure`, and `Secure` cookies from http are refused by some. A site
 *   is a scheme and host without the port, so the UI at http://127.0.0.1:8233 and the api at
 *   http://127.0.0.1:3000 are the same site: the UI's credentialed requests carry a Strict
 *   cookie, and no other site's requests ever do.
 */
export function sessionCookie(
  token: string,
  path: string,
  maxAgeSeconds: number,
  secure: boolean,
): string {
  return `${CODEC_SESSION_COOKIE}=${token}; Path=${path}; Max-Age=${maxAgeSeconds}; ${attributes(secure)}`;
}

export function clearedSessionCookie(path: string, secure: boolean): string {
  return `${CODEC_SESSION_COOKIE}=; Path=${path}; Max-Age=0; ${attributes(secure)}`;
}

function attributes(secure: boolean): string {
  return secure ? 'HttpOnly; Secure; SameSite=None' : 'HttpOnly; SameSite=Strict';
}
