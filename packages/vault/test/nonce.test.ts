import { describe, expect, it } from 'vitest';
import { newNonce, writeNonce } from '../src/nonce';

describe('nonces', () => {
  it('never repeat, across several pool refills', () => {
    const seen = new Set<string>();
    const count = 20_000; // about ten refills of the 2048-nonce pool
    for (let i = 0; i < count; i++) seen.add(Buffer.from(newNonce()).toString('hex'));
    expect(seen.size).toBe(count);
  });

  it('are copied out, so a later refill cannot change one already handed out', () => {
    const first = newNonce();
    const copy = Uint8Array.from(first);
    for (let i = 0; i < 5000; i++) newNonce();
    expect(first).toEqual(copy);
  });

  it('are written where asked and look random', () => {
    const out = new Uint8Array(40);
    writeNonce(out, 8);
    expect(out.subarray(0, 8).every((b) => b === 0)).toBe(true);
    expect(out.subarray(32).every((b) => b === 0)).toBe(true);
    expect(out.subarray(8, 32).some((b) => b !== 0)).toBe(true);
  });
});
