import { randomFillSync } from 'node:crypto';
import sodium from 'libsodium-wrappers';
import { assertReady, wipe } from './aead';
import { UnsupportedFormatError, VaultError } from './errors';
import { KEY_BYTES, NONCE_BYTES, TAG_BYTES } from './format';
import { writeNonce } from './nonce';

/**
 * Short-lived keys that are not tenant keys: a run's key for its runtime credentials, made
 * per run, kept sealed by the tenant key (`run_keys`, kind `run.runtime_credentials`) and
 * destroyed when the run ends, which makes every copy of what it sealed (say, in Temporal's
 * history) unreadable for good. The caller owns the key and must `wipe` it after use.
 *
 * Format: 0x21 | nonce 24 | ciphertext | tag 16, XChaCha20-Poly1305 IETF with AD = format
 * byte + the caller's associated data (which should name the tenant and the run).
 */
export const EPHEMERAL_FORMAT_V1 = 0x21;
const HEADER = 1 + NONCE_BYTES;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class EphemeralDecryptionError extends VaultError {
  override readonly name = 'EphemeralDecryptionError';
  constructor() {
    super(
      'DECRYPTION_FAILED',
      'ephemeral ciphertext does not open with this key and associated data: it was sealed ' +
        'with another key or for another record, or altered',
    );
  }
}

/** A new random 32-byte key. */
export function newEphemeralKey(): Uint8Array {
  return randomFillSync(new Uint8Array(KEY_BYTES));
}

function adFor(associatedData: Uint8Array | string): Uint8Array {
  const data = typeof associatedData === 'string' ? encoder.encode(associatedData) : associatedData;
  const ad = new Uint8Array(1 + data.length);
  ad[0] = EPHEMERAL_FORMAT_V1;
  ad.set(data, 1);
  return ad;
}

function checkKey(key: Uint8Array): void {
  if (!(key instanceof Uint8Array) || key.length !== KEY_BYTES) {
    throw new VaultError('INVALID_CONTEXT', `an ephemeral key is ${KEY_BYTES} bytes`);
  }
}

export function sealEphemeral(
  key: Uint8Array,
  plaintext: Uint8Array | string,
  associatedData: Uint8Array | string,
): Buffer {
  assertReady();
  checkKey(key);
  const message = typeof plaintext === 'string' ? encoder.encode(plaintext) : plaintext;
  try {
    const out = Buffer.allocUnsafe(HEADER + message.length + TAG_BYTES);
    out[0] = EPHEMERAL_FORMAT_V1;
    writeNonce(out, 1);
    const nonce = new Uint8Array(out.buffer, out.byteOffset + 1, NONCE_BYTES);
    const box = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
      message,
      adFor(associatedData),
      null,
      nonce,
      key,
    );
    out.set(box, HEADER);
    return out;
  } finally {
    if (message !== plaintext) wipe(message);
  }
}

/** Opens to bytes; the caller wipes them after use. */
export function openEphemeralBytes(
  key: Uint8Array,
  sealed: Uint8Array,
  associatedData: Uint8Array | string,
): Uint8Array {
  assertReady();
  checkKey(key);
  if (sealed[0] !== EPHEMERAL_FORMAT_V1 || sealed.length < HEADER + TAG_BYTES) {
    throw new UnsupportedFormatError('not an ephemeral ciphertext of a format this vault reads');
  }
  try {
    return sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
      null,
      new Uint8Array(sealed.buffer, sealed.byteOffset + HEADER, sealed.length - HEADER),
      adFor(associatedData),
      new Uint8Array(sealed.buffer, sealed.byteOffset + 1, NONCE_BYTES),
      key,
    );
  } catch {
    throw new EphemeralDecryptionError();
  }
}

/** Opens to text (UTF-8). */
export function openEphemeral(
  key: Uint8Array,
  sealed: Uint8Array,
  associatedData: Uint8Array | string,
): string {
  const bytes = openEphemeralBytes(key, sealed, associatedData);
  try {
    return decoder.decode(bytes);
  } finally {
    wipe(bytes);
  }
}
