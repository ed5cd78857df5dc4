import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { type Db, insertTenant, PLATFORM_TENANT_ID } from '@latchkey/db';
import { Client, Connection } from '@temporalio/client';
import { ApplicationFailure, type Payload } from '@temporalio/common';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { register } from 'tsx/cjs/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createClientDataConverter,
  createDataConverter,
  createTenantPayloadCodec,
  LATCHKEY_ENCODING,
  PAYLOAD_CONVERTER_PATH,
  payloadConverter,
  payloadTenantId,
  TENANT_METADATA_KEY,
  type TenantPayloadCodec,
} from '../src/index';
import { createTestDatabase, createTestVault, testServices, type Vault } from './support';
import type { CodecTestActivities, CodecTestInput } from './workflows/contracts';

const MARKER = 'PLAINTEXT-MARKER-123';
const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString('utf8');
const meta = (payload: Payload, key: string) => text(payload.metadata?.[key]);

/** Every Uint8Array in a value, as utf8 and base64, plus every string: where plaintext could hide. */
function allText(value: unknown, out: string[] = [], seen = new Set<unknown>()): string[] {
  if (typeof value === 'string') out.push(value);
  else if (value instanceof Uint8Array) {
    out.push(Buffer.from(value).toString('utf8'), Buffer.from(value).toString('base64'));
  } else if (typeof value === 'object' && value !== null && !seen.has(value)) {
    seen.add(value);
    for (const child of Object.values(value)) allText(child, out, seen);
  }
  return out;
}

/** Every Payload-shaped object (metadata with an encoding) in a decoded history. */
function allPayloads(value: unknown, out: Payload[] = [], seen = new Set<unknown>()): Payload[] {
  if (typeof value !== 'object' || value === null || value instanceof Uint8Array) return out;
  if (seen.has(value)) return out;
  seen.add(value);
  const metadata = (value as Payload).metadata;
  if (metadata && typeof metadata === 'object' && metadata.encoding instanceof Uint8Array) {
    out.push(value as Payload);
  }
  for (const child of Object.values(value)) allPayloads(child, out, seen);
  return out;
}

describe('tenant payload codec', () => {
  let db: Db;
  let destroy: () => Promise<void>;
  let vault: Vault;
  let codec: TenantPayloadCodec;
  let tenantA: string;
  let tenantB: string;

  beforeAll(async () => {
    const testDb = await createTestDatabase();
    db = testDb.db;
    destroy = testDb.destroy;
    vault = await createTestVault(db);
    codec = createTenantPayloadCodec({ vault });
    tenantA = (await insertTenant(db, 'codec-a')).id;
    tenantB = (await insertTenant(db, 'codec-b')).id;
  });
  afterAll(async () => {
    vault?.close();
    await destroy?.();
  });

  describe('payload converter', () => {
    it('tags plain objects that carry a tenant id, and nothing else', () => {
      const tagged = payloadConverter.toPayload({ tenantId: tenantA, secretish: MARKER });
      expect(meta(tagged, TENANT_METADATA_KEY)).toBe(tenantA);
      expect(meta(tagged, 'encoding')).toBe('json/plain');
      for (const value of [
        'plain string',
        [{ tenantId: tenantA }],
        { tenantId: 'not-a-uuid' },
        { tenantId: 42 },
        { nested: { tenantId: tenantA } },
        new Uint8Array([1, 2, 3]),
        undefined,
      ]) {
        expect(payloadConverter.toPayload(value).metadata?.[TENANT_METADATA_KEY]).toBeUndefined();
      }
      expect(payloadTenantId({ tenantId: tenantA.toUpperCase() })).toBe(tenantA);
    });

    it('is deterministic and round-trips values', () => {
      const value = { tenantId: tenantA, list: [1, 'two', null], secretish: MARKER };
      const first = payloadConverter.toPayload(value);
      const second = payloadConverter.toPayload(value);
      expect(first).toEqual(second);
      expect(payloadConverter.fromPayload(first)).toEqual(value);
    });

    it('exports the path the worker requires', () => {
      expect(PAYLOAD_CONVERTER_PATH).toMatch(/packages\/temporal\/src\/payload-converter\.ts$/);
    });
  });

  describe('codec', () => {
    it('seals a tenant payload with that tenant and opens it again', async () => {
      const original = payloadConverter.toPayload({ tenantId: tenantA, secretish: MARKER });
      const [encoded] = await codec.encode([original]);
      expect(encoded).toBeDefined();
      if (!encoded) return;
      expect(Object.keys(encoded.metadata ?? {}).sort()).toEqual(['encoding', TENANT_METADATA_KEY]);
      expect(meta(encoded, 'encoding')).toBe(LATCHKEY_ENCODING);
      expect(meta(encoded, TENANT_METADATA_KEY)).toBe(tenantA);
      expect(allText(encoded).some((s) => s.includes(MARKER) || s.includes('json/plain'))).toBe(
        false,
      );
      expect(codec.sealedTenant(encoded)).toBe(tenantA);

      const [decoded] = await codec.decode([encoded]);
      expect(decoded?.metadata).toEqual(original.metadata);
      expect(text(decoded?.data)).toBe(text(original.data));
      expect(payloadConverter.fromPayload(decoded as Payload)).toEqual({
        tenantId: tenantA,
        secretish: MARKER,
      });
    });

    it('seals a payload that names no tenant with the platform tenant', async () => {
      const original = payloadConverter.toPayload(`platform ${MARKER}`);
      const [encoded] = await codec.encode([original]);
      expect(meta(encoded as Payload, TENANT_METADATA_KEY)).toBe(PLATFORM_TENANT_ID);
      expect(text(encoded?.data)).not.toContain(MARKER);
      const [decoded] = await codec.decode([encoded as Payload]);
      expect(payloadConverter.fromPayload(decoded as Payload)).toBe(`platform ${MARKER}`);
    });

    it('encodes and decodes batches, each payload with its own tenant', async () => {
      const values = [
        { tenantId: tenantA, n: 1 },
        { tenantId: tenantB, n: 2 },
        'no tenant',
        undefined,
      ];
      const encoded = await codec.encode(values.map((v) => payloadConverter.toPayload(v)));
      expect(encoded.map((p) => meta(p, TENANT_METADATA_KEY))).toEqual([
        tenantA,
        tenantB,
        PLATFORM_TENANT_ID,
        PLATFORM_TENANT_ID,
      ]);
      const decoded = await codec.decode(encoded);
      expect(decoded.map((p) => payloadConverter.fromPayload(p))).toEqual(values);
      expect(await codec.encode([])).toEqual([]);
    });

    it('refuses a payload whose tenant metadata was changed to another tenant', async () => {
      const [encoded] = await codec.encode([
        payloadConverter.toPayload({ tenantId: tenantA, secretish: MARKER }),
      ]);
      const forged: Payload = {
        ...encoded,
        metadata: { ...encoded?.metadata, [TENANT_METADATA_KEY]: Buffer.from(tenantB) },
      };
      await expect(codec.decode([forged])).rejects.toThrow(/does not open/);
      const toPlatform: Payload = {
        ...encoded,
        metadata: { ...encoded?.metadata, [TENANT_METADATA_KEY]: Buffer.from(PLATFORM_TENANT_ID) },
      };
      await expect(codec.decode([toPlatform])).rejects.toThrow(/does not open/);
      const noTenant: Payload = {
        ...encoded,
        metadata: { encoding: Buffer.from(LATCHKEY_ENCODING) },
      };
      await expect(codec.decode([noTenant])).rejects.toThrow(/no latchkey-tenant/);
    });

    it('refuses altered ciphertext', async () => {
      const [encoded] = await codec.encode([payloadConverter.toPayload({ tenantId: tenantA })]);
      const data = Buffer.from(encoded?.data ?? []);
      data[data.length - 1] = (data[data.length - 1] ?? 0) ^ 1;
      await expect(codec.decode([{ ...encoded, data }])).rejects.toThrow(/does not open/);
    });

    it('passes other encodings through unchanged', async () => {
      const json = payloadConverter.toPayload({ hello: 'world' });
      const nil = payloadConverter.toPayload(undefined);
      const bytes = payloadConverter.toPayload(new Uint8Array([1, 2, 3]));
      const foreign: Payload = {
        metadata: {
          encoding: Buffer.from('binary/encrypted'),
          'encryption-key-id': Buffer.from('x'),
        },
        data: Buffer.from('opaque'),
      };
      const decoded = await codec.decode([json, nil, bytes, foreign]);
      expect(decoded[0]).toBe(json);
      expect(decoded[1]).toBe(nil);
      expect(decoded[2]).toBe(bytes);
      expect(decoded[3]).toBe(foreign);
      expect(codec.sealedTenant(json)).toBeUndefined();
    });

    it('refuses tenant metadata that is not a tenant id', async () => {
      const bad: Payload = { metadata: { [TENANT_METADATA_KEY]: Buffer.from('acme') }, data: null };
      await expect(codec.encode([bad])).rejects.toThrow(/not a tenant id/);
    });

    it('still opens payloads sealed before a tenant key rotation', async () => {
      const value = { tenantId: tenantB, secretish: MARKER };
      const [before] = await codec.encode([payloadConverter.toPayload(value)]);
      await vault.rotateTenantKey(tenantB);
      vault.clearCache();
      const [after] = await codec.encode([payloadConverter.toPayload(value)]);
      // The vault's header (format byte, then the key version) differs across the rotation.
      expect(Buffer.from(before?.data ?? []).subarray(0, 5)).not.toEqual(
        Buffer.from(after?.data ?? []).subarray(0, 5),
      );
      const decoded = await codec.decode([before as Payload, after as Payload]);
      expect(decoded.map((p) => payloadConverter.fromPayload(p))).toEqual([value, value]);
    });

    it('seals for a given tenant on request, whatever the metadata says', async () => {
      const tagged = payloadConverter.toPayload({ tenantId: tenantA, n: 1 });
      const [encoded] = await codec.encodeForTenant(tenantB, [tagged]);
      expect(codec.sealedTenant(encoded as Payload)).toBe(tenantB);
      const [decoded] = await codec.decode([encoded as Payload]);
      expect(payloadConverter.fromPayload(decoded as Payload)).toEqual({ tenantId: tenantA, n: 1 });
    });
  });

  describe('through a real Temporal server', () => {
    beforeAll(() => {
      // The worker require()s PAYLOAD_CONVERTER_PATH (a .ts file) on its main thread; the apps
      // run under tsx, which hooks require, and under vitest this hook does the same.
      register();
      try {
        // ERROR: the SDK logs activity failures, message included, at WARN.
        Runtime.install({ logger: new DefaultLogger('ERROR') });
      } catch {
        // Installed already in this process.
      }
    });

    it('stores only encrypted payloads in history and decodes results for the client', async () => {
      const { temporalAddress, temporalNamespace } = testServices();
      const taskQueue = `codec-test-${randomUUID()}`;
      const workflowId = `codec-test-${randomUUID()}`;
      const activities: CodecTestActivities = {
        echo: async (input) => input,
        fail: async (input) => {
          throw ApplicationFailure.nonRetryable(`failed for ${input.secretish}`);
        },
      };
      const nativeConnection = await NativeConnection.connect({ address: temporalAddress });
      const connection = await Connection.connect({ address: temporalAddress });
      try {
        const worker = await Worker.create({
          connection: nativeConnection,
          namespace: temporalNamespace,
          taskQueue,
          workflowsPath: fileURLToPath(new URL('./workflows/codec-echo.ts', import.meta.url)),
          activities,
          dataConverter: createDataConverter({ vault }),
        });
        const client = new Client({
          connection,
          namespace: temporalNamespace,
          dataConverter: createClientDataConverter({ vault }),
        });
        const input: CodecTestInput = { tenantId: tenantA, secretish: MARKER };
        const result = await worker.runUntil(
          client.workflow.execute('codecEchoWorkflow', { taskQueue, workflowId, args: [input] }),
        );
        expect(result).toEqual({
          tenantId: tenantA,
          echoed: MARKER,
          failure: `failed for ${MARKER}`,
        });

        const raw = await connection.workflowService.getWorkflowExecutionHistory({
          namespace: temporalNamespace,
          execution: { workflowId },
        });
        const history = raw.history;
        expect(history?.events?.length).toBeGreaterThan(5);

        const payloads = allPayloads(history);
        // Input, activity inputs and results, the failure's attributes, the workflow result.
        expect(payloads.length).toBeGreaterThanOrEqual(6);
        for (const payload of payloads) {
          expect(meta(payload, 'encoding')).toBe(LATCHKEY_ENCODING);
        }
        const tenants = new Set(payloads.map((p) => meta(p, TENANT_METADATA_KEY)));
        // Tenant values are sealed with the tenant's key, failure attributes with the platform's.
        expect(tenants).toEqual(new Set([tenantA, PLATFORM_TENANT_ID]));

        expect(JSON.stringify(history)).not.toContain(MARKER);
        expect(JSON.stringify(history)).not.toContain(Buffer.from(MARKER).toString('base64'));
        expect(allText(history).filter((s) => s.includes(MARKER))).toEqual([]);

        // The activity result was converted on the worker's main thread (the converter loaded
        // by path), the activity input inside the workflow sandbox (the bundled converter).
        const events = history?.events ?? [];
        const completed = events.find((e) => e.activityTaskCompletedEventAttributes);
        const resultPayload =
          completed?.activityTaskCompletedEventAttributes?.result?.payloads?.[0];
        expect(meta(resultPayload as Payload, TENANT_METADATA_KEY)).toBe(tenantA);
        const scheduled = events.find((e) => e.activityTaskScheduledEventAttributes);
        const inputPayload = scheduled?.activityTaskScheduledEventAttributes?.input?.payloads?.[0];
        expect(meta(inputPayload as Payload, TENANT_METADATA_KEY)).toBe(tenantA);

        const failed = events.find((e) => e.activityTaskFailedEventAttributes);
        const failure = failed?.activityTaskFailedEventAttributes?.failure;
        expect(failure?.message).toBe('Encoded failure');
        expect(failure?.stackTrace ?? '').toBe('');
        expect(meta(failure?.encodedAttributes as Payload, 'encoding')).toBe(LATCHKEY_ENCODING);
        expect(meta(failure?.encodedAttributes as Payload, TENANT_METADATA_KEY)).toBe(
          PLATFORM_TENANT_ID,
        );
      } finally {
        await connection.close();
        await nativeConnection.close();
      }
    }, 120_000);
  });
});
