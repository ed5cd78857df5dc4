import { fileURLToPath } from 'node:url';
import { PLATFORM_TENANT_ID } from '@latchkey/db';
import {
  type DataConverter,
  type LoadedDataConverter,
  METADATA_ENCODING_KEY,
  type Payload,
  type PayloadCodec,
} from '@temporalio/common';
import proto from '@temporalio/proto';
import { failureConverter, payloadConverter, TENANT_METADATA_KEY } from '../payload-converter';

// The proto package is CommonJS: Node's ESM loader sees only its default export.
const { temporal } = proto;

/** `encoding` of every payload this codec seals; anything else is not ours and passes through. */
export const LATCHKEY_ENCODING = 'binary/latchkey-encrypted';
export { TENANT_METADATA_KEY };

/** The vault context every payload is sealed with (the tenant comes from the payload). */
export const PAYLOAD_SEAL_KIND = 'temporal.payload';
export const PAYLOAD_RECORD_ID = 'payload';

/**
 * Absolute path of the module with the `payloadConverter` and `failureConverter` exports, for
 * `WorkerOptions.dataConverter` and `bundleWorkflowCode({ payloadConverterPath,
 * failureConverterPath })`. It is a .ts file: the worker `require()`s it on its main thread,
 * which works under tsx (how the apps run); plain Node needs tsx's require hook (`tsx/cjs/api`).
 */
export const PAYLOAD_CONVERTER_PATH = fileURLToPath(
  new URL('../payload-converter.ts', import.meta.url),
);

export interface PayloadSealContext {
  tenantId: string;
  kind: typeof PAYLOAD_SEAL_KIND;
  recordId: string;
  userId?: string | null;
}

/** The part of `@latchkey/vault`'s `Vault` the codec uses; a `Vault` satisfies it. */
export interface PayloadVault {
  seal(ctx: PayloadSealContext, plaintext: Uint8Array): Promise<Uint8Array>;
  open(ctx: PayloadSealContext, sealed: Uint8Array): Promise<Uint8Array>;
}

export interface TenantPayloadCodecOptions {
  vault: PayloadVault;
  /** The tenant whose key seals payloads that name no tenant; default `PLATFORM_TENANT_ID`. */
  platformTenantId?: string;
}

/** A `PayloadCodec` that seals each payload with its tenant's vault key. */
export interface TenantPayloadCodec extends PayloadCodec {
  /** The tenant whose key sealed the payload, or undefined when this codec did not seal it. */
  sealedTenant(payload: Payload): string | undefined;
  /** Seals payloads with one tenant's key, whatever tenant their metadata names (codec server). */
  encodeForTenant(tenantId: string, payloads: Payload[]): Promise<Payload[]>;
}

export class PayloadCodecError extends Error {
  override readonly name = 'PayloadCodecError';
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const ENCODING_BYTES = encoder.encode(LATCHKEY_ENCODING);

function metadataText(payload: Payload, key: string): string | undefined {
  const value = payload.metadata?.[key];
  return value ? decoder.decode(value) : undefined;
}

function tenantIdOrThrow(tenantId: string, what: string): string {
  if (!UUID.test(tenantId)) throw new PayloadCodecError(`${what} is not a tenant id`);
  return tenantId.toLowerCase();
}

function sealContext(tenantId: string): PayloadSealContext {
  return { tenantId, kind: PAYLOAD_SEAL_KIND, recordId: PAYLOAD_RECORD_ID, userId: null };
}

/**
 * Encrypts every payload Temporal stores with a tenant key from the vault:
 *
 * - encode: the whole payload (metadata and data) is serialised as a protobuf `Payload` and
 *   sealed with the key of the tenant named by its `latchkey-tenant` metadata (set by the
 *   payload converter), or of the platform tenant. The result carries only
 *   `encoding: binary/latchkey-encrypted` and `latchkey-tenant` in the clear.
 * - decode: payloads in that encoding are opened with their tenant's key; the vault's
 *   ciphertext header names the key version, so payloads sealed before a rotation still open.
 *   Other encodings pass through unchanged.
 *
 * The tenant id is part of the ciphertext's associated data: a payload whose `latchkey-tenant`
 * was changed to another tenant does not open.
 */
export function createTenantPayloadCodec(options: TenantPayloadCodecOptions): TenantPayloadCodec {
  const { vault } = options;
  const platformTenantId = tenantIdOrThrow(
    options.platformTenantId ?? PLATFORM_TENANT_ID,
    'platformTenantId',
  );

  async function seal(tenantId: string, payload: Payload): Promise<Payload> {
    const plaintext = temporal.api.common.v1.Payload.encode(payload).finish();
    try {
      const sealed = await vault.seal(sealContext(tenantId), plaintext);
      return {
        metadata: {
          [METADATA_ENCODING_KEY]: ENCODING_BYTES,
          [TENANT_METADATA_KEY]: encoder.encode(tenantId),
        },
        data: sealed,
      };
    } finally {
      plaintext.fill(0);
    }
  }

  async function open(payload: Payload): Promise<Payload> {
    const tenant = metadataText(payload, TENANT_METADATA_KEY);
    if (tenant === undefined) {
      throw new PayloadCodecError(`${LATCHKEY_ENCODING} payload has no ${TENANT_METADATA_KEY}`);
    }
    if (!payload.data) throw new PayloadCodecError(`${LATCHKEY_ENCODING} payload has no data`);
    const tenantId = tenantIdOrThrow(tenant, TENANT_METADATA_KEY);
    const plaintext = await vault.open(sealContext(tenantId), payload.data);
    return temporal.api.common.v1.Payload.decode(plaintext);
  }

  return {
    async encode(payloads) {
      return Promise.all(
        payloads.map((payload) => {
          const tenant = metadataText(payload, TENANT_METADATA_KEY);
          const tenantId =
            tenant === undefined ? platformTenantId : tenantIdOrThrow(tenant, TENANT_METADATA_KEY);
          return seal(tenantId, payload);
        }),
      );
    },

    async decode(payloads) {
      return Promise.all(
        payloads.map((payload) =>
          metadataText(payload, METADATA_ENCODING_KEY) === LATCHKEY_ENCODING
            ? open(payload)
            : payload,
        ),
      );
    },

    async encodeForTenant(tenantId, payloads) {
      const id = tenantIdOrThrow(tenantId, 'tenantId');
      return Promise.all(payloads.map((payload) => seal(id, payload)));
    },

    sealedTenant(payload) {
      if (metadataText(payload, METADATA_ENCODING_KEY) !== LATCHKEY_ENCODING) return undefined;
      const tenant = metadataText(payload, TENANT_METADATA_KEY);
      return tenant !== undefined && UUID.test(tenant) ? tenant.toLowerCase() : undefined;
    },
  };
}

/**
 * `WorkerOptions.dataConverter`: the tenant-tagging payload converter and the failure converter
 * that encodes messages and stack traces, both by path (the worker loads them in the workflow
 * sandbox), and the codec. A worker given a pre-built `workflowBundle` must have been bundled
 * with the same paths: `bundleWorkflowCode({ ...workflowBundleConverterPaths, workflowsPath })`.
 */
export function createDataConverter(
  options: TenantPayloadCodecOptions & {
    /**
     * A built copy of payload-converter.ts for plain Node (the built worker ships
     * dist/payload-converter.cjs); default the .ts source, which needs tsx.
     */
    converterPath?: string;
  },
): DataConverter {
  const path = options.converterPath ?? PAYLOAD_CONVERTER_PATH;
  return {
    payloadConverterPath: path,
    failureConverterPath: path,
    payloadCodecs: [createTenantPayloadCodec(options)],
  };
}

/** The converter paths `bundleWorkflowCode` needs so workflow code uses the same converters. */
export const workflowBundleConverterPaths = {
  payloadConverterPath: PAYLOAD_CONVERTER_PATH,
  failureConverterPath: PAYLOAD_CONVERTER_PATH,
} as const;

/**
 * `ClientOptions.dataConverter`: clients take converter instances (the SDK accepts an already
 * loaded converter), so no path and no require hook are needed.
 */
export function createClientDataConverter(options: TenantPayloadCodecOptions): LoadedDataConverter {
  return {
    payloadConverter,
    failureConverter,
    payloadCodecs: [createTenantPayloadCodec(options)],
  };
}
