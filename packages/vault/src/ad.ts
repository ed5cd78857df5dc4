import { InvalidContextError } from './errors';
import { SEALED_HEADER_BYTES, WRAPPED_KEY_FORMAT_V1, writeSealedHeader, writeU32 } from './format';
import type { SealContext } from './types';

/**
 * Associated data: what a ciphertext is bound to. Each field is length-prefixed (u16 BE) so
 * no two different contexts encode to the same bytes ("ab"+"c" vs "a"+"bc"), and a present
 * user id is marked apart from an absent one. The sealed header is part of the AD, so the
 * format byte and key version cannot be edited without failing authentication.
 *
 * Sealed value: header 5 | tenantId | kind | recordId | 0x00 (no user) or 0x01 userId
 * Wrapped key:  0x81 | version u32 | tenantId | masterKeyId
 *
 * This runs on every seal and open, so it writes into one reused scratch buffer instead of
 * allocating: libsodium copies the AD into its own heap synchronously, so the view handed out
 * is dead before the next call can overwrite it.
 */
const MAX_FIELD_BYTES = 0xffff;
const encoder = new TextEncoder();
let scratch = new Uint8Array(1024);
function ensureCapacity(bytes: number): void {
  if (bytes > scratch.length) scratch = new Uint8Array(Math.max(bytes, scratch.length * 2));
}

function check(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new InvalidContextError(`${name} must be a non-empty string`);
  }
  return value;
}

/** Writes `value` as u16 length + UTF-8 at `at`; returns the offset after it. */
function writeField(value: string, at: number, name: string): number {
  const buffer = scratch;
  const start = at + 2;
  const length = value.length;
  let written = 0;
  // Ids are nearly always ASCII, and copying code units beats a call into the encoder.
  for (; written < length; written++) {
    const code = value.charCodeAt(written);
    if (code > 0x7f) break;
    buffer[start + written] = code;
  }
  if (written < length) written = encoder.encodeInto(value, buffer.subarray(start)).written;
  if (written > MAX_FIELD_BYTES) {
    throw new InvalidContextError(`${name} is longer than ${MAX_FIELD_BYTES} bytes`);
  }
  buffer[at] = written >>> 8;
  buffer[at + 1] = written & 0xff;
  return start + written;
}

// Kinds are a short fixed list, so their encoded bytes are kept rather than re-encoded.
const kindFields = new Map<string, Uint8Array>();
const MAX_KIND_FIELDS = 256;

function kindField(kind: string): Uint8Array {
  let field = kindFields.get(kind);
  if (field === undefined) {
    check(kind, 'kind');
    ensureCapacity(2 + kind.length * 3);
    field = scratch.slice(0, writeField(kind, 0, 'kind'));
    if (kindFields.size < MAX_KIND_FIELDS) kindFields.set(kind, field);
  }
  return field;
}

/** AD for a sealed value. The returned view is valid until the next call into this module. */
export function sealedAd(keyVersion: number, tenantId: string, ctx: SealContext): Uint8Array {
  const kind = kindField(ctx.kind);
  const recordId = check(ctx.recordId, 'recordId');
  const userId = ctx.userId;
  if (userId !== null && userId !== undefined && typeof userId !== 'string') {
    throw new InvalidContextError('userId must be a string or null');
  }
  check(tenantId, 'tenantId');
  ensureCapacity(
    SEALED_HEADER_BYTES +
      2 +
      tenantId.length * 3 +
      kind.length +
      2 +
      recordId.length * 3 +
      3 +
      (userId?.length ?? 0) * 3,
  );
  writeSealedHeader(scratch, keyVersion);
  let at = writeField(tenantId, SEALED_HEADER_BYTES, 'tenantId');
  scratch.set(kind, at);
  at = writeField(recordId, at + kind.length, 'recordId');
  if (userId === null || userId === undefined) {
    scratch[at++] = 0;
  } else {
    // An empty user id is a present value, distinct from null.
    scratch[at++] = 1;
    at = writeField(userId, at, 'userId');
  }
  return scratch.subarray(0, at);
}

/** AD for a wrapped tenant key: a row copied to another tenant, version or master id fails. */
export function wrappedKeyAd(tenantId: string, version: number, masterKeyId: string): Uint8Array {
  check(tenantId, 'tenantId');
  check(masterKeyId, 'masterKeyId');
  ensureCapacity(5 + 4 + (tenantId.length + masterKeyId.length) * 3);
  scratch[0] = WRAPPED_KEY_FORMAT_V1;
  writeU32(scratch, 1, version);
  const at = writeField(tenantId, 5, 'tenantId');
  return scratch.subarray(0, writeField(masterKeyId, at, 'masterKeyId'));
}
