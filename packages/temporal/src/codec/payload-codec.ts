import { fileURLToPath } from 'node:url';
import { PLATFORM_TENANT_ID } from '@latchkey/db/schema';
import {
  type DataConverter,
  type LoadedDataConverter,
  METADATA_ENCODING_KEY,
  type Payload,
  type PayloadCodec,
  type SerializationContext,
} from '@temporalio/common';
import proto from '@temporalio/proto';
import {
  failureConverter,
  payloadConverter,
  SEALED_BY_METADATA_KEY,
  TENANT_METADATA_KEY,
} from '../payload-converter';
import { bindingMatches, isTenantId, workflowTenant } from '../workflow-tenant';

// The proto package is CommonJS: Node's ESM loader sees only its default export.
const { temporal } = proto;

/** `encoding` of every payload this codec seals for workflows and activities. */
export const LATCHKEY_ENCODING = 'binary/latchkey-encrypted';
/**
 * `encoding` of payloads the codec endpoint seals for the Temporal UI (`/codec/encode`): sealed
 * under another record kind, so no worker opens them, whatever their metadata is changed to.
 */
export const LATCHKEY_UI_ENCODING = 'binary/latchkey-ui-encrypted';
export { SEALED_BY_METADATA_KEY, TENANT_METADATA_KEY };

/** Metadata naming the workflow a payload is bound to (part of its associated data). */
export const WORKFLOW_METADATA_KEY = 'latchkey-workflow';

/** The vault contexts payloads are sealed with (the tenant comes from the payload). */
export const PAYLOAD_SEAL_KIND = 'temporal.payload';
export const UI_PAYLOAD_SEAL_KIND = 'temporal.ui_payload';
/** Record id of payloads sealed without a workflow to bind to: a worker never opens these. */
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
  kind: typeof PAYLOAD_SEAL_KIND | typeof UI_PAYLOAD_SEAL_KIND;
  recordId: string;
  userId?: string | null;
}

/**
 * The one place a payload's context is built, for sealing and opening alike: bound to the
 * workflow the payload names, or to no workflow at all (which no worker opens).
 */
function payloadContext(
  tenantId: string,
  kind: PayloadSealContext['kind'],
  workflowId: string | undefined,
): PayloadSealContext {
  const recordId = workflowId === undefined ? PAYLOAD_RECORD_ID : boundRecordId(workflowId);
  return { tenantId, kind, recordId, userId: null };
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
  /**
   * The worker's mode: every payload must come with the SDK's serialization context naming its
   * workflow, and must be bound to that workflow and sealed by that workflow's tenant. Clients
   * and the codec endpoint (which decode history without a context) leave it off, and then
   * trust the binding the payload names.
   */
  requireContext?: boolean;
}

/** A `PayloadCodec` that seals each payload with its tenant's vault key. */
export interface TenantPayloadCodec extends PayloadCodec {
  /** The tenant whose key sealed the payload, or undefined when this codec did not seal it. */
  sealedTenant(payload: Payload): string | undefined;
  /**
   * Seals payloads for the Temporal UI with one tenant's key, whatever tenant their metadata
   * names (codec endpoint). They decode for the UI and are refused by every worker.
   */
  encodeForUi(tenantId: string, payloads: Payload[]): Promise<Payload[]>;
}

export class PayloadCodecError extends Error {
  override readonly name = 'PayloadCodecError';
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const ENCODING_BYTES = encoder.encode(LATCHKEY_ENCODING);
const UI_ENCODING_BYTES = encoder.encode(LATCHKEY_UI_ENCODING);

function metadataText(payload: Payload, key: string): string | undefined {
  const value = payload.metadata?.[key];
  return value ? decoder.decode(value) : undefined;
}

function tenantIdOrThrow(tenantId: string, what: string): string {
  if (!isTenantId(tenantId)) throw new PayloadCodecError(`${what} is not a tenant id`);
  return tenantId.toLowerCase();
}

const boundRecordId = (workflowId: string) => `workflow:${workflowId}`;

/**
 * Encrypts every payload Temporal stores with a tenant key from the vault. Invariants (tests in
 * `test/codec.test.ts` and `apps/api/test/temporal-trust.test.ts` try to break each):
 *
 * - encode: the whole payload (metadata and data) is serialised as a protobuf `Payload` and
 *   sealed with the key of the tenant named by its `latchkey-tenant` metadata (set by the
 *   payload converter), else of the tenant the workflow id names, else of the platform tenant.
 *   When the SDK says which workflow the payload belongs to (its serialization context), the
 *   payload is bound to that workflow id: it is part of the associated data and carried in the
 *   clear as `latchkey-workflow`.
 * - decode fails closed: a payload this codec did not seal (plain JSON, `binary/null`, a UI
 *   payload from `/codec/encode`) is refused with a `PayloadCodecError`, never passed through.
 *   With `requireContext` (the worker), the payload must also be bound to the workflow the SDK
 *   names, and sealed by the tenant that workflow id names (`workflowTenant`).
 * - The opened payload carries `latchkey-sealed-by` (the tenant whose key opened it), which the
 *   payload converter turns into a mark on the decoded value for the worker's interceptors.
 */
export function createTenantPayloadCodec(options: TenantPayloadCodecOptions): TenantPayloadCodec {
  const { vault } = options;
  const requireContext = options.requireContext === true;
  const platformTenantId = tenantIdOrThrow(
    options.platformTenantId ?? PLATFORM_TENANT_ID,
    'platformTenantId',
  );

  async function seal(
    tenantId: string,
    payload: Payload,
    binding: { kind: PayloadSealContext['kind']; workflowId?: string },
  ): Promise<Payload> {
    const plaintext = temporal.api.common.v1.Payload.encode(payload).finish();
    const ui = binding.kind === UI_PAYLOAD_SEAL_KIND;
    try {
      const sealed = await vault.seal(
        payloadContext(tenantId, binding.kind, binding.workflowId),
        plaintext,
      );
      return {
        metadata: {
          [METADATA_ENCODING_KEY]: ui ? UI_ENCODING_BYTES : ENCODING_BYTES,
          [TENANT_METADATA_KEY]: encoder.encode(tenantId),
          ...(binding.workflowId === undefined
            ? {}
            : { [WORKFLOW_METADATA_KEY]: encoder.encode(binding.workflowId) }),
        },
        data: sealed,
      };
    } finally {
      plaintext.fill(0);
    }
  }

  function contextWorkflowId(context: SerializationContext | undefined): string | undefined {
    return context?.workflowId || undefined;
  }

  async function open(payload: Payload, context: SerializationContext | undefined) {
    const encoding = metadataText(payload, METADATA_ENCODING_KEY);
    const ui = encoding === LATCHKEY_UI_ENCODING;
    if (encoding !== LATCHKEY_ENCODING && !(ui && !requireContext)) {
      throw new PayloadCodecError(
        `refused a payload that was not sealed by Latchkey's codec (encoding ${JSON.stringify(encoding ?? null)})`,
      );
    }
    const tenant = metadataText(payload, TENANT_METADATA_KEY);
    if (tenant === undefined) {
      throw new PayloadCodecError(`sealed payload has no ${TENANT_METADATA_KEY}`);
    }
    if (!payload.data) throw new PayloadCodecError('sealed payload has no data');
    const tenantId = tenantIdOrThrow(tenant, TENANT_METADATA_KEY);
    const boundId = metadataText(payload, WORKFLOW_METADATA_KEY);
    const workflowId = contextWorkflowId(context);
    if (requireContext) {
      if (workflowId === undefined) {
        throw new PayloadCodecError('refused a payload decoded without its workflow');
      }
      if (boundId === undefined || !bindingMatches(boundId, workflowId)) {
        throw new PayloadCodecError(`refused a payload not bound to workflow ${workflowId}`);
      }
      if (tenantId !== workflowTenant(workflowId)) {
        throw new PayloadCodecError(
          `refused a payload sealed by another tenant than workflow ${workflowId}'s`,
        );
      }
    } else if (workflowId !== undefined && boundId !== undefined) {
      if (!bindingMatches(boundId, workflowId)) {
        throw new PayloadCodecError(`refused a payload not bound to workflow ${workflowId}`);
      }
    }
    const kind = ui ? UI_PAYLOAD_SEAL_KIND : PAYLOAD_SEAL_KIND;
    const plaintext = await vault.open(payloadContext(tenantId, kind, boundId), payload.data);
    const opened = temporal.api.common.v1.Payload.decode(plaintext);
    return {
      metadata: { ...opened.metadata, [SEALED_BY_METADATA_KEY]: encoder.encode(tenantId) },
      data: opened.data,
    };
  }

  return {
    async encode(payloads, context) {
      const workflowId = contextWorkflowId(context);
      const fallback = workflowId === undefined ? platformTenantId : workflowTenant(workflowId);
      return Promise.all(
        payloads.map((payload) => {
          const tenant = metadataText(payload, TENANT_METADATA_KEY);
          const tenantId =
            tenant === undefined ? fallback : tenantIdOrThrow(tenant, TENANT_METADATA_KEY);
          const { [SEALED_BY_METADATA_KEY]: _, ...metadata } = payload.metadata ?? {};
          return seal(tenantId, { ...payload, metadata }, { kind: PAYLOAD_SEAL_KIND, workflowId });
        }),
      );
    },

    async decode(payloads, context) {
      return Promise.all(payloads.map((payload) => open(payload, context)));
    },

    async encodeForUi(tenantId, payloads) {
      const id = tenantIdOrThrow(tenantId, 'tenantId');
      return Promise.all(
        payloads.map((payload) => seal(id, payload, { kind: UI_PAYLOAD_SEAL_KIND })),
      );
    },

    sealedTenant(payload) {
      const encoding = metadataText(payload, METADATA_ENCODING_KEY);
      if (encoding !== LATCHKEY_ENCODING && encoding !== LATCHKEY_UI_ENCODING) return undefined;
      const tenant = metadataText(payload, TENANT_METADATA_KEY);
      return isTenantId(tenant) ? tenant.toLowerCase() : undefined;
    },
  };
}

/**
 * `WorkerOptions.dataConverter`: the tenant-tagging payload converter and the failure converter
 * that encodes messages and stack traces, both by path (the worker loads them in the workflow
 * sandbox), and the codec. A worker given a pre-built `workflowBundle` must have been bundled
 * with the same paths: `bundleWorkflowCode({ ...workflowBundleConverterPaths, workflowsPath })`.
 * The codec runs in the worker's mode (`requireContext`): it opens only payloads bound to the
 * workflow at hand and sealed by its tenant.
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
    payloadCodecs: [createTenantPayloadCodec({ requireContext: true, ...options })],
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
