import { randomFillSync } from 'node:crypto';
import { NONCE_BYTES } from './format';

/**
 * Nonces are 24 random bytes each, cut from a pool filled by one `randomFillSync` call per
 * 2048 nonces. libsodium-wrappers' `randombytes_buf` costs far more per call than the AEAD
 * itself for a 1 KiB message, so drawing per seal would make the RNG the bottleneck.
 *
 * Why this is unique enough: every nonce is 192 bits straight from the OS CSPRNG, and no pool
 * byte is handed out twice (the offset only moves forward; the pool is refilled as a whole
 * before any reuse of its memory). With random 192-bit nonces, even 2^64 seals under one key
 * collide with probability about 2^-65, so there is no per-key counter to persist or
 * coordinate across processes. Node never forks a process with a copy of this memory (child
 * processes start fresh), so two processes cannot share a pool.
 */
const POOL_NONCES = 2048;
const pool = new Uint8Array(NONCE_BYTES * POOL_NONCES);
let offset = pool.length;

/** Writes a fresh nonce into `out` at `at` (copied, so later refills cannot change it). */
export function writeNonce(out: Uint8Array, at: number): void {
  if (offset === pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  out.set(pool.subarray(offset, offset + NONCE_BYTES), at);
  offset += NONCE_BYTES;
}

/** A fresh nonce in its own array. */
export function newNonce(): Uint8Array {
  const nonce = new Uint8Array(NONCE_BYTES);
  writeNonce(nonce, 0);
  return nonce;
}
