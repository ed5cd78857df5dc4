import type { Payload } from '@temporalio/common';

/**
 * Defence in depth for the codec endpoint and the console's run page. The platform never puts
 * a plaintext secret in a Temporal payload in the first place: connection credentials stay in
 * the vault and are resolved inside activities, and runtime credentials travel sealed with a
 * per-run key that is destroyed when the run ends. Should a secret slip into a JSON payload
 * anyway (a step result echoing a token, a tenant's payload with a password field), nobody
 * reading the run sees it: values under secret-looking keys are replaced before a decoded
 * payload leaves the api.
 */
export const REDACTED = '[redacted]';

const SECRET_KEY =
  /(secret|password|passwd|token|api[_-]?key|authorization|credential|private[_-]?key|client[_-]?secret)/i;
const ALWAYS_REDACTED = new Set(['sealedRuntimeCredentials']);
const JSON_ENCODINGS = new Set(['json/plain', 'json/protobuf']);
const MAX_DEPTH = 64;

export function isSecretKey(key: string): boolean {
  return ALWAYS_REDACTED.has(key) || SECRET_KEY.test(key);
}

/** Thrown when a payload cannot be checked; the caller then withholds it. */
export class RedactionError extends Error {
  override readonly name = 'RedactionError';
}

/**
 * Replaces, in place, every non-null value under a secret-looking key of a parsed JSON value.
 * Returns whether anything was replaced. Values nested deeper than anyone writes by hand are
 * refused rather than walked.
 */
export function redactSecrets(value: unknown, depth = 0): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (depth > MAX_DEPTH) throw new RedactionError('JSON nested too deeply to check');
  let changed = false;
  if (Array.isArray(value)) {
    for (const item of value) changed = redactSecrets(item, depth + 1) || changed;
    return changed;
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (isSecretKey(key) && record[key] !== null && record[key] !== REDACTED) {
      record[key] = REDACTED;
      changed = true;
    } else {
      changed = redactSecrets(record[key], depth + 1) || changed;
    }
  }
  return changed;
}

const decoder = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

/**
 * A decoded payload fit to show: JSON payloads with secret-looking fields redacted (and
 * untouched, byte for byte, when there were none); other encodings as they are. Throws
 * RedactionError when a JSON payload cannot be parsed, so the caller can withhold it.
 */
export function redactPayload(payload: Payload): Payload {
  const encoding = payload.metadata?.encoding;
  if (!encoding || !JSON_ENCODINGS.has(Buffer.from(encoding).toString('utf8'))) return payload;
  let parsed: unknown;
  try {
    parsed = JSON.parse(decoder.decode(payload.data ?? new Uint8Array()));
  } catch {
    throw new RedactionError('JSON payload does not parse');
  }
  if (!redactSecrets(parsed)) return payload;
  return { metadata: payload.metadata, data: encoder.encode(JSON.stringify(parsed)) };
}
