import sodium from 'libsodium-wrappers';
import { VaultConfigError } from './errors';
import {
  KEY_BYTES,
  NONCE_BYTES,
  SEALED_HEADER_BYTES,
  TAG_BYTES,
  WRAPPED_KEY_BYTES,
  WRAPPED_KEY_FORMAT_V1,
} from './format';
import { writeNonce } from './nonce';

/**
 * The only module that calls libsodium. Everything is XChaCha20-Poly1305 IETF: 24-byte nonces
 * are large enough to draw at random (see nonce.ts), and it is constant-time in software.
 */
let ready = false;

/** Resolves once libsodium's WebAssembly is loaded; safe to call any number of times. */
export async function initVault(): Promise<void> {
  if (ready) return;
  await sodium.ready;
  ready = true;
}

/** For entry points that can be reached without createVault (which awaits initVault). */
export function assertReady(): void {
  if (!ready) {
    throw new VaultConfigError(
      'libsodium is not loaded yet: await initVault() or createVault() first',
    );
  }
}

/** Overwrites a key (or any secret buffer) with zeros. */
export function wipe(bytes: Uint8Array): void {
  sodium.memzero(bytes);
}

/** A new random tenant data key. */
export function newDataKey(): Uint8Array {
  return sodium.crypto_aead_xchacha20poly1305_ietf_keygen();
}

/**
 * Seals `plaintext` into a fresh buffer laid out as header | nonce | ciphertext+tag. The AD
 * starts with the header (see ad.ts), which is copied to the front of the output.
 */
export function sealWithAd(plaintext: Uint8Array, ad: Uint8Array, key: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(SEALED_HEADER_BYTES + NONCE_BYTES + plaintext.length + TAG_BYTES);
  for (let i = 0; i < SEALED_HEADER_BYTES; i++) out[i] = ad[i] ?? 0;
  writeNonce(out, SEALED_HEADER_BYTES);
  const box = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
    plaintext,
    ad,
    null,
    view(out, SEALED_HEADER_BYTES, NONCE_BYTES),
    key,
  );
  out.set(box, SEALED_HEADER_BYTES + NONCE_BYTES);
  return out;
}

/** A plain Uint8Array view: cheaper than Buffer#subarray, which builds a Buffer. */
function view(bytes: Uint8Array, at: number, length: number): Uint8Array {
  return new Uint8Array(bytes.buffer, bytes.byteOffset + at, length);
}

// The nonce of the value being opened is copied here rather than viewed: a 24-byte loop is
// cheaper than a new view, and libsodium copies it into its heap before we return.
const openNonce = new Uint8Array(NONCE_BYTES);

/** Opens a sealed value whose header was already checked; undefined when it does not verify. */
export function openSealed(
  sealed: Uint8Array,
  ad: Uint8Array,
  key: Uint8Array,
): Uint8Array | undefined {
  for (let i = 0; i < NONCE_BYTES; i++) openNonce[i] = sealed[SEALED_HEADER_BYTES + i] ?? 0;
  const box = view(
    sealed,
    SEALED_HEADER_BYTES + NONCE_BYTES,
    sealed.length - SEALED_HEADER_BYTES - NONCE_BYTES,
  );
  try {
    return sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(null, box, ad, openNonce, key);
  } catch {
    // libsodium only says the tag did not verify; callers raise an error with the context.
    return undefined;
  }
}

/** Wraps a data key under a master key: 0x81 | nonce | encrypted key + tag. */
export function wrapKey(dataKey: Uint8Array, ad: Uint8Array, masterKey: Uint8Array): Uint8Array {
  const out = new Uint8Array(WRAPPED_KEY_BYTES);
  out[0] = WRAPPED_KEY_FORMAT_V1;
  writeNonce(out, 1);
  const box = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
    dataKey,
    ad,
    null,
    out.subarray(1, 1 + NONCE_BYTES),
    masterKey,
  );
  out.set(box, 1 + NONCE_BYTES);
  return out;
}

/**
 * Unwraps a data key. Returns 'format' for bytes of an unknown layout and undefined when the
 * tag does not verify (wrong master key, altered row, or a row copied from elsewhere).
 */
export function unwrapKey(
  wrapped: Uint8Array,
  ad: Uint8Array,
  masterKey: Uint8Array,
): Uint8Array | 'format' | undefined {
  if (wrapped.length !== WRAPPED_KEY_BYTES || wrapped[0] !== WRAPPED_KEY_FORMAT_V1) return 'format';
  try {
    const key = sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
      null,
      wrapped.subarray(1 + NONCE_BYTES),
      ad,
      wrapped.subarray(1, 1 + NONCE_BYTES),
      masterKey,
    );
    return key.length === KEY_BYTES ? key : 'format';
  } catch {
    return undefined;
  }
}
