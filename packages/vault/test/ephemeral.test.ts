import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  EphemeralDecryptionError,
  initVault,
  newEphemeralKey,
  openEphemeral,
  openEphemeralBytes,
  sealEphemeral,
  UnsupportedFormatError,
  VaultConfigError,
  VaultError,
  wipe,
} from '../src/index';

describe('ephemeral keys (per-run runtime credentials)', () => {
  // First in the file: nothing has loaded libsodium yet in this worker.
  it('asks for initVault() rather than failing obscurely', () => {
    expect(() => sealEphemeral(newEphemeralKey(), 'x', 'ad')).toThrow(VaultConfigError);
  });

  it('round-trips text and bytes under the same key and associated data', async () => {
    await initVault();
    const key = newEphemeralKey();
    const sealed = sealEphemeral(key, '{"stripe_secret_key":"sk_test_1"}', 'latchkey:run:t1:r1');
    expect(sealed[0]).toBe(0x21);
    expect(sealed.includes(Buffer.from('sk_test_1'))).toBe(false);
    expect(openEphemeral(key, sealed, 'latchkey:run:t1:r1')).toBe(
      '{"stripe_secret_key":"sk_test_1"}',
    );
    const bytes = new Uint8Array([1, 2, 3]);
    expect(openEphemeralBytes(key, sealEphemeral(key, bytes, bytes), bytes)).toEqual(bytes);
  });

  it('property: fails with another key, other associated data, or any flipped bit', async () => {
    await initVault();
    await fc.assert(
      fc.property(
        fc.string({ maxLength: 200 }),
        fc.string({ minLength: 1 }),
        fc.nat(),
        (text, ad, at) => {
          const key = newEphemeralKey();
          const sealed = sealEphemeral(key, text, ad);
          expect(() => openEphemeral(newEphemeralKey(), sealed, ad)).toThrow(
            EphemeralDecryptionError,
          );
          expect(() => openEphemeral(key, sealed, `${ad}x`)).toThrow(EphemeralDecryptionError);
          const tampered = Buffer.from(sealed);
          const index = at % tampered.length;
          tampered[index] = (tampered[index] ?? 0) ^ 0x01;
          expect(() => openEphemeral(key, tampered, ad)).toThrow(VaultError);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('makes a wiped key useless and rejects foreign formats', async () => {
    await initVault();
    const key = newEphemeralKey();
    const sealed = sealEphemeral(key, 'secret', 'ad');
    wipe(key);
    expect(key.every((b) => b === 0)).toBe(true);
    expect(() => openEphemeral(key, sealed, 'ad')).toThrow(EphemeralDecryptionError);
    const vaultSealed = Buffer.from(sealed);
    vaultSealed[0] = 0x01;
    expect(() => openEphemeral(newEphemeralKey(), vaultSealed, 'ad')).toThrow(
      UnsupportedFormatError,
    );
    expect(() => sealEphemeral(new Uint8Array(16), 'x', 'ad')).toThrow('32 bytes');
  });
});
