import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createMemoryTenantKeyStore,
  createVaultFromEnv,
  DecryptionError,
  InvalidContextError,
  RECORD_KINDS,
  SEALED_FORMAT_V1,
  SEALED_OVERHEAD,
  type SealContext,
  sealedKeyVersion,
  UnknownKeyVersionError,
  UnsupportedFormatError,
  type Vault,
  VaultClosedError,
  VaultError,
} from '../src/index';
import { context, keyEntry, memoryVault, rejection } from './support';

let vault: Vault;
beforeAll(async () => {
  ({ vault } = await memoryVault());
});
afterAll(() => vault.close());

const idArb = fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme' });
const ctxArb: fc.Arbitrary<SealContext> = fc.record({
  tenantId: fc.oneof(fc.uuid(), idArb),
  kind: fc.constantFrom(...RECORD_KINDS),
  recordId: fc.oneof(fc.uuid(), idArb),
  userId: fc.option(fc.string({ maxLength: 40, unit: 'grapheme' }), { nil: null }),
});
const secretArb = fc.oneof(
  fc.uint8Array({ maxLength: 2048 }),
  fc.string({ maxLength: 512, unit: 'grapheme' }),
);

describe('seal and open', () => {
  it('round-trips bytes, text and JSON', async () => {
    const ctx = context();
    const bytes = randomBytes(300);
    expect(Buffer.from(await vault.open(ctx, await vault.seal(ctx, bytes)))).toEqual(bytes);
    expect(await vault.openText(ctx, await vault.seal(ctx, 'pässwörd ✓'))).toBe('pässwörd ✓');
    const value = { api_key: 'sk_live_123', nested: { n: 1, list: [true, null] } };
    expect(await vault.openJson(ctx, await vault.sealJson(ctx, value))).toEqual(value);
    expect(await vault.openText(ctx, await vault.seal(ctx, ''))).toBe('');
  });

  it('writes the versioned format: 0x01 | version | nonce | ciphertext+tag', async () => {
    const ctx = context();
    const sealed = await vault.seal(ctx, 'abc');
    expect(sealed[0]).toBe(SEALED_FORMAT_V1);
    expect(sealedKeyVersion(sealed)).toBe(1);
    expect(sealed.length).toBe(3 + SEALED_OVERHEAD);
    expect(sealed.includes(Buffer.from('abc'))).toBe(false);
  });

  it('uses a fresh nonce every time', async () => {
    const ctx = context();
    const nonces = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const sealed = await vault.seal(ctx, 'same');
      nonces.add(Buffer.from(sealed.subarray(5, 29)).toString('hex'));
    }
    expect(nonces.size).toBe(2000);
  });

  it('property: any secret round-trips under any context', async () => {
    await fc.assert(
      fc.asyncProperty(ctxArb, secretArb, async (ctx, secret) => {
        const sealed = await vault.seal(ctx, secret);
        const opened = await vault.open(ctx, sealed);
        const expected = typeof secret === 'string' ? new TextEncoder().encode(secret) : secret;
        expect(Buffer.from(opened)).toEqual(Buffer.from(expected));
      }),
      { numRuns: 200 },
    );
  });

  it('property: flipping any bit of a sealed value makes it fail to open', async () => {
    await fc.assert(
      fc.asyncProperty(
        ctxArb,
        fc.uint8Array({ minLength: 0, maxLength: 200 }),
        fc.nat(),
        fc.integer({ min: 0, max: 7 }),
        async (ctx, secret, at, bit) => {
          const sealed = await vault.seal(ctx, secret);
          const index = at % sealed.length;
          const tampered = Buffer.from(sealed);
          tampered[index] = (tampered[index] ?? 0) ^ (1 << bit);
          const error = await rejection(vault.open(ctx, tampered));
          // The format byte and version are in the header: edits there fail before the AEAD.
          if (index === 0) expect(error).toBeInstanceOf(UnsupportedFormatError);
          else if (index < 5) expect(error).toBeInstanceOf(VaultError);
          else expect(error).toBeInstanceOf(DecryptionError);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('property: a value does not open under any other tenant, kind, record or user', async () => {
    const fieldArb = fc.constantFrom('tenantId', 'kind', 'recordId', 'userId');
    await fc.assert(
      fc.asyncProperty(ctxArb, ctxArb, fieldArb, secretArb, async (ctx, other, field, secret) => {
        const swapped: SealContext = { ...ctx, [field]: other[field] };
        const same =
          swapped.tenantId.toLowerCase() === ctx.tenantId.toLowerCase() &&
          swapped.kind === ctx.kind &&
          swapped.recordId === ctx.recordId &&
          (swapped.userId ?? null) === (ctx.userId ?? null);
        fc.pre(!same);
        const sealed = await vault.seal(ctx, secret);
        const error = await rejection(vault.open(swapped, sealed));
        // A tenant with no key at that version has nothing to try: that is reported as such.
        if (field === 'tenantId' && error instanceof UnknownKeyVersionError) return;
        expect(error).toBeInstanceOf(DecryptionError);
      }),
      { numRuns: 300 },
    );
  });

  it.each([
    ['tenant', { tenantId: 'other-tenant' }],
    ['record', { recordId: 'other-record' }],
    ['user', { userId: 'user-2' }],
    ['user to none', { userId: null }],
    ['kind', { kind: 'integration.credentials' as const }],
  ])(
    'rejects a swap to another %s with a DecryptionError that names the context',
    async (_, change) => {
      const ctx = context({ tenantId: 'tenant-a', recordId: 'record-a' });
      const sealed = await vault.seal(ctx, 'sk_live_supersecret');
      await vault.ensureTenantKey('other-tenant');
      const target = { ...ctx, ...change };
      const error = await rejection(vault.open(target, sealed));
      expect(error).toBeInstanceOf(DecryptionError);
      expect((error as DecryptionError).code).toBe('DECRYPTION_FAILED');
      expect(error.message).toBe(
        `ciphertext does not open for tenant ${target.tenantId}, kind ${target.kind}, record ` +
          `${target.recordId}: it was sealed for another tenant, record, kind or user, or altered`,
      );
      expect(error.message).not.toContain('supersecret');
      expect(error.cause).toBeUndefined();
    },
  );

  it('tells a null user from an empty one', async () => {
    const ctx = context({ userId: '' });
    const sealed = await vault.seal(ctx, 'x');
    await expect(vault.open({ ...ctx, userId: null }, sealed)).rejects.toBeInstanceOf(
      DecryptionError,
    );
    expect(await vault.openText(ctx, sealed)).toBe('x');
    const none = context({ userId: undefined });
    expect(await vault.openText({ ...none, userId: null }, await vault.seal(none, 'y'))).toBe('y');
  });

  it('binds tenant UUIDs case-insensitively, as PostgreSQL compares them', async () => {
    const ctx = context({ tenantId: 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11' });
    const sealed = await vault.seal(ctx, 'x');
    expect(await vault.openText({ ...ctx, tenantId: ctx.tenantId.toLowerCase() }, sealed)).toBe(
      'x',
    );
  });

  it('reports an unknown key version and an unsupported format', async () => {
    const ctx = context();
    const sealed = Buffer.from(await vault.seal(ctx, 'x'));
    sealed.writeUInt32BE(7, 1);
    const error = await rejection(vault.open(ctx, sealed));
    expect(error).toBeInstanceOf(UnknownKeyVersionError);
    expect(error.message).toBe(`tenant key version 7 not found for tenant ${ctx.tenantId}`);

    const v2 = Buffer.from(sealed);
    v2[0] = 0x02;
    expect((await rejection(vault.open(ctx, v2))).message).toContain('format byte 0x02');
    await expect(vault.open(ctx, new Uint8Array())).rejects.toBeInstanceOf(UnsupportedFormatError);
    await expect(vault.open(ctx, sealed.subarray(0, 20))).rejects.toBeInstanceOf(
      UnsupportedFormatError,
    );
  });

  it('rejects an empty or malformed context', async () => {
    for (const bad of [
      { tenantId: '' },
      { recordId: '' },
      { kind: '' as 'run.result' },
      { userId: 5 as unknown as string },
    ]) {
      await expect(vault.seal(context(bad), 'x')).rejects.toBeInstanceOf(InvalidContextError);
    }
    await expect(vault.seal(context({ recordId: 'r'.repeat(70_000) }), 'x')).rejects.toThrow(
      'recordId is longer than 65535 bytes',
    );
  });

  it('never puts plaintext in a JSON error', async () => {
    const ctx = context();
    const sealed = await vault.seal(ctx, 'sk_live_notjson{');
    const error = await rejection(vault.openJson(ctx, sealed));
    expect((error as VaultError).code).toBe('INVALID_JSON');
    expect(error.message).not.toContain('sk_live');
    expect(error.cause).toBeUndefined();
    await expect(vault.sealJson(ctx, undefined)).rejects.toMatchObject({ code: 'INVALID_JSON' });
  });

  it('can be configured from the environment', async () => {
    const fromEnv = await createVaultFromEnv({
      store: createMemoryTenantKeyStore(),
      env: { LATCHKEY_MASTER_KEYS: keyEntry('k1'), LATCHKEY_VAULT_CACHE_SIZE: '7' },
    });
    const ctx = context();
    expect(await fromEnv.openText(ctx, await fromEnv.seal(ctx, 'x'))).toBe('x');
    expect(fromEnv.stats().cacheCapacity).toBe(7);
    fromEnv.close();
    await expect(
      createVaultFromEnv({ store: createMemoryTenantKeyStore(), env: {} }),
    ).rejects.toThrow('LATCHKEY_MASTER_KEYS');
  });

  it('fails every call after close()', async () => {
    const { vault: closing } = await memoryVault();
    const ctx = context();
    const sealed = await closing.seal(ctx, 'x');
    closing.close();
    expect(closing.stats().cachedKeys).toBe(0);
    await expect(closing.open(ctx, sealed)).rejects.toBeInstanceOf(VaultClosedError);
    await expect(closing.seal(ctx, 'x')).rejects.toBeInstanceOf(VaultClosedError);
  });
});
