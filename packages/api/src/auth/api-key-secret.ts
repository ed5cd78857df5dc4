import { createHash, randomBytes } from 'node:crypto';

/** Every key starts with this, so leaked keys are easy to recognise and scan for. */
export const API_KEY_PREFIX = 'lk_';
const VISIBLE_CHARS = 11;

export interface GeneratedApiKey {
  /** The whole key: shown to the user once, never stored. */
  key: string;
  /** The first characters, stored and shown to tell keys apart. */
  prefix: string;
  hash: string;
}

/** 256 random bits, base64url: guessing is hopeless, so a fast hash is enough to store it. */
export function generateApiKey(): GeneratedApiKey {
  const key = `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  return { key, prefix: key.slice(0, VISIBLE_CHARS), hash: hashApiKey(key) };
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** Reads `Authorization: Bearer <key>`; anything else yields undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}
