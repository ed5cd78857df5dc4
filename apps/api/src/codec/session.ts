import { PLATFORM_TENANT_ID } from '@latchkey/db';
import type { Vault } from '@latchkey/vault';
import { z } from 'zod';

declare module '@latchkey/vault' {
  interface RecordKinds {
    'codec.session': true;
  }
}

/** Cookie holding a codec session: a sealed API key id and expiry, never the key itself. */
export const CODEC_SESSION_COOKIE = 'latchkey_codec';
export const DEFAULT_SESSION_TTL_MS = 8 * 60 * 60 * 1000;

const UUID = z.uuid();
// A sealed {apiKeyId, expiry} is about 130 bytes; anything far off that is not ours.
const TOKEN = /^[A-Za-z0-9_-]{100,400}$/;
const SESSION_CONTEXT = {
  tenantId: PLATFORM_TENANT_ID,
  kind: 'codec.session',
  recordId: 'codec-session',
  userId: null,
} as const;

export interface SessionTokens {
  issue(apiKeyId: string): Promise<{ token: string; expiresAt: Date }>;
  /** The API key id of a token that the vault opens and that has not expired. */
  verify(token: string): Promise<string | undefined>;
}

/**
 * Session tokens are `{ apiKeyId, expiry }` sealed by the vault with the platform's key: any
 * api process with the same master keys opens them, so sessions survive restarts and work
 * behind a load balancer, and nothing is kept in one process's memory. The AEAD tag makes an
 * altered token fail to open. A token says which key signed in; whether that key still may use
 * the codec is checked in the database on every request, so revoking the key ends its sessions.
 */
export function createSessionTokens(options: {
  vault: Pick<Vault, 'sealJson' | 'openJson'>;
  ttlMs?: number;
  now?: () => Date;
}): SessionTokens {
  const { vault } = options;
  const ttlMs = options.ttlMs ?? DEFAULT_SESSION_TTL_MS;
  const now = options.now ?? (() => new Date());

  return {
    async issue(apiKeyId) {
      const expiry = Math.floor((now().getTime() + ttlMs) / 1000);
      const sealed = await vault.sealJson(SESSION_CONTEXT, { apiKeyId, expiry });
      return { token: sealed.toString('base64url'), expiresAt: new Date(expiry * 1000) };
    },
    async verify(token) {
      if (!TOKEN.test(token)) return undefined;
      let value: { apiKeyId?: unknown; expiry?: unknown } | null;
      try {
        value = await vault.openJson(SESSION_CONTEXT, Buffer.from(token, 'base64url'));
      } catch {
        // Altered, sealed for something else, or by a master key this api no longer has.
        return undefined;
      }
      const apiKeyId = value?.apiKeyId;
      const expiry = value?.expiry;
      if (typeof apiKeyId !== 'string' || !UUID.safeParse(apiKeyId).success) return undefined;
      if (typeof expiry !== 'number' || expiry * 1000 <= now().getTime()) return undefined;
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
