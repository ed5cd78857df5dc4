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
  LATCHKEY_UI_ENCODING,
  PAYLOAD_CONVERTER_PATH,
  PLATFORM_TENANT,
  payloadConverter,
  payloadTenantId,
  SEALED_BY_METADATA_KEY,
  sealingTenantOf,
  TENANT_METADATA_KEY,
  type TenantPayloadCodec,
  WORKFLOW_METADATA_KEY,
  workflowTenant,
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
      const { [SEALED_BY_METADATA_KEY]: sealedBy, ...metadata } = decoded?.metadata ?? {};
      expect(metadata).toEqual(original.metadata);
      expect(text(sealedBy)).toBe(tenantA);
      expect(text(decoded?.data)).toBe(text(original.data));
      const value = payloadConverter.fromPayload(decoded as Payload);
      expect(value).toEqual({ tenantId: tenantA, secretish: MARKER });
      // The mark the worker's interceptors read; never serialised.
      expect(sealingTenantOf(value)).toBe(tenantA);
      expect(JSON.stringify(value)).toBe(JSON.stringify({ tenantId: tenantA, secretish: MARKER }));
      expect(sealingTenantOf({ tenantId: tenantA })).toBeUndefined();
    });

    it('never stores a sealed-by mark: encoding drops one, decoding writes its own', async () => {
      const forged = payloadConverter.toPayload({ tenantId: tenantA });
      forged.metadata = { ...forged.metadata, [SEALED_BY_METADATA_KEY]: Buffer.from(tenantB) };
      const [encoded] = await codec.encode([forged]);
      const [decoded] = await codec.decode([encoded as Payload]);
      expect(meta(decoded as Payload, SEALED_BY_METADATA_KEY)).toBe(tenantA);
    });

    it('binds a payload to the workflow the SDK names, and refuses it for any other', async () => {
      const workflowId = `run:${tenantA}:wf:${randomUUID()}`;
      const context = { type: 'workflow', namespace: 'default', workflowId } as const;
      const [encoded] = await codec.encode([payloadConverter.toPayload({ tenantId: tenantA })], {
        ...context,
      });
      expect(meta(encoded as Payload, WORKFLOW_METADATA_KEY)).toBe(workflowId);
      const worker = createTenantPayloadCodec({ vault, requireContext: true });
      expect(await worker.decode([encoded as Payload], context)).toHaveLength(1);
      // A run a schedule started for this action id.
      const scheduled = { ...context, workflowId: `${workflowId}-2026-12-06T09:00:00Z` };
      expect(await worker.decode([encoded as Payload], scheduled)).toHaveLength(1);
      const activity = {
        type: 'activity',
        namespace: 'default',
        workflowId,
        isLocal: false,
      } as const;
      expect(await worker.decode([encoded as Payload], activity)).toHaveLength(1);

      const other = { ...context, workflowId: `run:${tenantA}:wf:${randomUUID()}` };
      await expect(worker.decode([encoded as Payload], other)).rejects.toThrow(/not bound/);
      await expect(codec.decode([encoded as Payload], other)).rejects.toThrow(/not bound/);
      await expect(worker.decode([encoded as Payload])).rejects.toThrow(/without its workflow/);
      // The binding is in the associated data: relabelling it does not open.
      const relabelled: Payload = {
        ...encoded,
        metadata: { ...encoded?.metadata, [WORKFLOW_METADATA_KEY]: Buffer.from(other.workflowId) },
      };
      await expect(worker.decode([relabelled], other)).rejects.toThrow(/does not open/);
      // Unbound payloads (sealed without a context) open for clients, never for a worker.
      const [unbound] = await codec.encode([payloadConverter.toPayload({ tenantId: tenantA })]);
      await expect(worker.decode([unbound as Payload], context)).rejects.toThrow(/not bound/);
    });

    it("in a worker, refuses a payload sealed by another tenant than the workflow id's", async () => {
      const workflowId = `run:${tenantB}:wf:${randomUUID()}`;
      const context = { type: 'workflow', namespace: 'default', workflowId } as const;
      // Tenant A's key, bound to a workflow of tenant B.
      const [encoded] = await codec.encode(
        [payloadConverter.toPayload({ tenantId: tenantA })],
        context,
      );
      const worker = createTenantPayloadCodec({ vault, requireContext: true });
      await expect(worker.decode([encoded as Payload], context)).rejects.toThrow(
        /sealed by another tenant/,
      );
      // What names no tenant is sealed with the workflow's tenant, not the platform's.
      const [untagged] = await codec.encode([payloadConverter.toPayload('x')], context);
      expect(meta(untagged as Payload, TENANT_METADATA_KEY)).toBe(tenantB);
    });

    it('reads the tenant of a workflow from its id', () => {
      expect(workflowTenant(`run:${tenantA}:wf:r`)).toBe(tenantA);
      expect(workflowTenant(`refresher:${tenantA.toUpperCase()}:c`)).toBe(tenantA);
      expect(workflowTenant('latchkey-smoke-1')).toBe(PLATFORM_TENANT);
      expect(workflowTenant(`run:acme:${tenantA}`)).toBe(PLATFORM_TENANT);
      expect(workflowTenant(`${tenantA}:x`)).toBe(PLATFORM_TENANT);
      expect(PLATFORM_TENANT).toBe(PLATFORM_TENANT_ID);
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

    it('refuses every payload it did not seal: it fails closed', async () => {
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
      const empty: Payload = {};
      for (const payload of [json, nil, bytes, foreign, empty]) {
        await expect(codec.decode([payload])).rejects.toThrow(/not sealed by Latchkey's codec/);
      }
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

    it('seals for the UI with a given tenant, which no worker opens, however relabelled', async () => {
      const tagged = payloadConverter.toPayload({ tenantId: tenantB, n: 1 });
      const [encoded] = await codec.encodeForUi(tenantB, [tagged]);
      expect(meta(encoded as Payload, 'encoding')).toBe(LATCHKEY_UI_ENCODING);
      expect(codec.sealedTenant(encoded as Payload)).toBe(tenantB);
      const [decoded] = await codec.decode([encoded as Payload]);
      expect(payloadConverter.fromPayload(decoded as Payload)).toEqual({ tenantId: tenantB, n: 1 });

      const workflowId = `run:${tenantB}:wf:${randomUUID()}`;
      const context = { type: 'workflow', namespace: 'default', workflowId } as const;
      const worker = createTenantPayloadCodec({ vault, requireContext: true });
      await expect(worker.decode([encoded as Payload], context)).rejects.toThrow(
        /not sealed by Latchkey's codec/,
      );
      const relabelled: Payload = {
        ...encoded,
        metadata: {
          ...encoded?.metadata,
          encoding: Buffer.from(LATCHKEY_ENCODING),
          [WORKFLOW_METADATA_KEY]: Buffer.from(workflowId),
        },
      };
      await expect(worker.decode([relabelled], context)).rejects.toThrow(/does not open/);
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
      const workflowId = `codec:${tenantA}:${randomUUID()}`;
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
          expect(meta(payload, WORKFLOW_METADATA_KEY)).toBe(workflowId);
        }
        const tenants = new Set(payloads.map((p) => meta(p, TENANT_METADATA_KEY)));
        // Everything, failure attributes too, is sealed with the workflow's tenant's key.
        expect(tenants).toEqual(new Set([tenantA]));

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
        expect(meta(failure?.encodedAttributes as Payload, TENANT_METADATA_KEY)).toBe(tenantA);
      } finally {
        await connection.close();
        await nativeConnection.close();
      }
    }, 120_000);
  });
});
