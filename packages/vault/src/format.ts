import { UnsupportedFormatError } from './errors';

/**
 * Byte layouts. Every layout starts with a format byte so the scheme can evolve: a reader
 * dispatches on it, and an unknown value is an UnsupportedFormatError, never a guess.
 *
 * Sealed value, format 1 (XChaCha20-Poly1305 IETF under a tenant data key):
 *   0x01 | tenant key version u32 BE | nonce 24 | ciphertext | tag 16
 * Wrapped tenant key, format 0x81 (XChaCha20-Poly1305 IETF under a master key):
 *   0x81 | nonce 24 | data key 32 encrypted | tag 16
 * The two format bytes differ so a wrapped key handed to `open` (or the reverse) is reported
 * as the wrong format rather than as tampering.
 */
export const SEALED_FORMAT_V1 = 0x01;
export const WRAPPED_KEY_FORMAT_V1 = 0x81;
export const NONCE_BYTES = 24;
export const TAG_BYTES = 16;
export const KEY_BYTES = 32;
export const SEALED_HEADER_BYTES = 5;
/** Bytes a sealed value adds to its plaintext. */
export const SEALED_OVERHEAD = SEALED_HEADER_BYTES + NONCE_BYTES + TAG_BYTES;
export const WRAPPED_KEY_BYTES = 1 + NONCE_BYTES + KEY_BYTES + TAG_BYTES;
export const MAX_KEY_VERSION = 0xffff_ffff;

/**
 * Checks the header of a sealed value and returns the tenant key version it names (this runs
 * on every open, so it returns a number rather than a header object).
 */
export function sealedKeyVersion(bytes: Uint8Array): number {
  const format = bytes[0];
  if (format !== SEALED_FORMAT_V1) {
    throw new UnsupportedFormatError(
      format === undefined
        ? 'sealed value is empty'
        : `sealed value has format byte 0x${format.toString(16).padStart(2, '0')}, which this vault does not read`,
    );
  }
  if (bytes.length < SEALED_OVERHEAD) {
    throw new UnsupportedFormatError(
      `sealed value is ${bytes.length} bytes, shorter than the ${SEALED_OVERHEAD}-byte minimum`,
    );
  }
  const keyVersion = readU32(bytes, 1);
  if (keyVersion === 0) throw new UnsupportedFormatError('sealed value names tenant key version 0');
  return keyVersion;
}

export function writeSealedHeader(out: Uint8Array, keyVersion: number): void {
  out[0] = SEALED_FORMAT_V1;
  writeU32(out, 1, keyVersion);
}

export function readU32(bytes: Uint8Array, at: number): number {
  return (
    (((bytes[at] ?? 0) << 24) |
      ((bytes[at + 1] ?? 0) << 16) |
      ((bytes[at + 2] ?? 0) << 8) |
      (bytes[at + 3] ?? 0)) >>>
    0
  );
}

export function writeU32(out: Uint8Array, at: number, value: number): void {
  out[at] = value >>> 24;
  out[at + 1] = (value >>> 16) & 0xff;
  out[at + 2] = (value >>> 8) & 0xff;
  out[at + 3] = value & 0xff;
}
