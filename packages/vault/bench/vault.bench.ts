/**
 * Seal/open of a 1 KiB credential bundle through the vault against raw libsodium AEAD.
 *
 * Baseline ("raw"): crypto_aead_xchacha20poly1305_ietf_encrypt/decrypt called directly with a
 * precomputed key and AD, and a fresh nonce from libsodium's randombytes_buf for every seal,
 * as a naive caller would write it. Note: that per-call randombytes_buf dominates raw seal's
 * cost; the vault draws nonces from a bulk CSPRNG pool instead (src/nonce.ts), which is why
 * seal_ratio lands far above 1. Raw open has no RNG in it (and gets its nonce and AD ready
 * made), so open_ratio is the strict measure of the vault's overhead (cache lookup, AD
 * encoding, header, async call). An AEAD-only line (fixed nonce, no RNG) is printed for
 * reference but not written to the JSON.
 *
 * Tenant keys live in PostgreSQL when DATABASE_URL is set (touched once to load the key),
 * otherwise in the in-memory store. After a warm-up, each of 6 rounds runs every variant for
 * 1.5 s from a freshly collected heap, in a balanced order (see below); the median ops/s of
 * the rounds is reported.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import vm from 'node:vm';
import sodium from 'libsodium-wrappers';
import {
  createMemoryTenantKeyStore,
  createTenantKeyRepository,
  createVault,
  generateMasterKey,
  parseMasterKeys,
  type SealContext,
  type TenantKeyStore,
} from '../src/index';

const ROUNDS = 6;
const RUN_MS = 1500;
const WARMUP_MS = 500;
const CHECK_EVERY = 64;

// Every run starts from a collected heap, so that no variant pays for garbage another left
// behind: the raw paths allocate a 1 KiB buffer per call too, and a collection falling due
// just after a switch would otherwise be charged to whichever variant runs next.
v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc') as () => void;

/** Runs for about `ms` from a collected heap and returns ops/s. */
type Variant = (ms: number) => Promise<number>;

function syncVariant(op: () => unknown): Variant {
  return async (ms) => {
    collectGarbage();
    let ops = 0;
    const start = performance.now();
    let now = start;
    while (now < start + ms) {
      for (let i = 0; i < CHECK_EVERY; i++) op();
      ops += CHECK_EVERY;
      now = performance.now();
    }
    return ops / ((now - start) / 1000);
  };
}

function asyncVariant(op: () => Promise<unknown>): Variant {
  return async (ms) => {
    collectGarbage();
    let ops = 0;
    const start = performance.now();
    let now = start;
    while (now < start + ms) {
      for (let i = 0; i < CHECK_EVERY; i++) await op();
      ops += CHECK_EVERY;
      now = performance.now();
    }
    return ops / ((now - start) / 1000);
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** A JSON object of a few credentials, padded to exactly 1024 bytes. */
function credentialBundle(): Uint8Array {
  const base = {
    api_key: `sk_live_${'4'.repeat(40)}`,
    client_id: 'client-0123456789abcdef',
    client_secret: 'cs_'.padEnd(48, 'x'),
    access_token: 'ya29.'.padEnd(180, 'a'),
    refresh_token: '1//'.padEnd(100, 'r'),
    pad: '',
  };
  const size = new TextEncoder().encode(JSON.stringify(base)).length;
  base.pad = 'p'.repeat(1024 - size);
  const bytes = new TextEncoder().encode(JSON.stringify(base));
  if (bytes.length !== 1024) throw new Error(`bundle is ${bytes.length} bytes`);
  return bytes;
}

async function keyStore(): Promise<{
  store: TenantKeyStore;
  tenantId: string;
  label: string;
  done(): Promise<void>;
}> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    return {
      store: createMemoryTenantKeyStore(),
      tenantId: randomUUID(),
      label: 'in-memory',
      done: async () => {},
    };
  }
  const { createDb, migrateToLatest, insertTenant } = await import('@latchkey/db');
  const db = createDb({ connectionString: url, max: 2 });
  await migrateToLatest(db);
  const tenant = await insertTenant(db, `vault-bench-${randomUUID()}`);
  return {
    store: createTenantKeyRepository(db),
    tenantId: tenant.id,
    label: 'postgresql',
    done: async () => {
      await db.deleteFrom('tenants').where('id', '=', tenant.id).execute();
      await db.destroy();
    },
  };
}

async function main(): Promise<void> {
  await sodium.ready;
  const { store, tenantId, label, done } = await keyStore();
  const vault = await createVault({ keyring: parseMasterKeys(generateMasterKey('bench')), store });
  const ctx: SealContext = {
    tenantId,
    kind: 'connection.credentials',
    recordId: randomUUID(),
    userId: 'user-42',
  };
  const bundle = credentialBundle();
  const sealed = await vault.seal(ctx, bundle); // loads (creates) the tenant key once

  const key = sodium.crypto_aead_xchacha20poly1305_ietf_keygen();
  const ad = new TextEncoder().encode(`${ctx.tenantId}|${ctx.kind}|${ctx.recordId}|${ctx.userId}`);
  const fixedNonce = sodium.randombytes_buf(24);
  const rawSealed = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
    bundle,
    ad,
    null,
    fixedNonce,
    key,
  );

  const variants = {
    seal: asyncVariant(() => vault.seal(ctx, bundle)),
    raw_seal: syncVariant(() =>
      sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
        bundle,
        ad,
        null,
        sodium.randombytes_buf(24),
        key,
      ),
    ),
    aead_only_seal: syncVariant(() =>
      sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(bundle, ad, null, fixedNonce, key),
    ),
    open: asyncVariant(() => vault.open(ctx, sealed)),
    raw_open: syncVariant(() =>
      sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(null, rawSealed, ad, fixedNonce, key),
    ),
  } as const;
  type Name = keyof typeof variants;
  const names = Object.keys(variants) as Name[];

  // Warm-up: let the JIT settle every path before anything is timed.
  for (const name of names) await variants[name](WARMUP_MS);

  const samples = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<
    Name,
    number[]
  >;
  // Balanced order: compared variants run back to back, each pair's order flips every round,
  // and the order of the groups turns, so no variant always follows the same one (what ran
  // just before measurably shifts the next run on a shared machine).
  const groups: Name[][] = [['seal', 'raw_seal'], ['open', 'raw_open'], ['aead_only_seal']];
  for (let round = 0; round < ROUNDS; round++) {
    for (let g = 0; g < groups.length; g++) {
      const group = groups[(g + round) % groups.length] ?? [];
      const ordered = round % 2 === 0 ? group : [...group].reverse();
      for (const name of ordered) samples[name].push(await variants[name](RUN_MS));
    }
  }
  const ops = Object.fromEntries(
    names.map((name) => [name, Math.round(median(samples[name]))]),
  ) as Record<Name, number>;
  const stats = vault.stats();
  vault.close();
  await done();

  const result = {
    seal_ops_s: ops.seal,
    open_ops_s: ops.open,
    raw_seal_ops_s: ops.raw_seal,
    raw_open_ops_s: ops.raw_open,
    seal_ratio: Number((ops.seal / ops.raw_seal).toFixed(3)),
    open_ratio: Number((ops.open / ops.raw_open).toFixed(3)),
  };

  const fmt = (n: number) => n.toLocaleString('en-US').padStart(10);
  console.log(
    `vault bench: 1 KiB bundle, key store ${label}, ${ROUNDS} rounds x ${RUN_MS} ms per variant, median`,
  );
  console.log(`  vault seal           ${fmt(ops.seal)} ops/s`);
  console.log(
    `  raw seal (naive RNG) ${fmt(ops.raw_seal)} ops/s   seal_ratio ${result.seal_ratio}`,
  );
  console.log(`  vault open           ${fmt(ops.open)} ops/s`);
  console.log(
    `  raw open             ${fmt(ops.raw_open)} ops/s   open_ratio ${result.open_ratio}`,
  );
  console.log(
    `  (reference) AEAD only, fixed nonce ${fmt(ops.aead_only_seal)} ops/s; vault seal is ` +
      `${(ops.seal / ops.aead_only_seal).toFixed(3)} of it`,
  );
  console.log(`  key cache: ${stats.hits} hits, ${stats.misses} misses`);

  const out = path.resolve(
    path.dirname(fileURLToPath(import.meta.url)),
    '../../../bench/results/vault.json',
  );
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify(result)}\n`);
  console.log(`  wrote ${path.relative(process.cwd(), out)}`);
}

await main();
