// Loaded inside Temporal's workflow sandbox (via `payloadConverterPath` / `failureConverterPath`)
// as well as in workers and clients: deterministic, no Node built-ins, no imports beyond
// @temporalio/common and the import-free workflow-tenant module.
import {
  type ConverterHint,
  DefaultFailureConverter,
  DefaultPayloadConverter,
  type Payload,
  type PayloadConverter,
  type SerializationContext,
} from '@temporalio/common';
import { decode, encode } from '@temporalio/common/lib/encoding.js';
import { isTenantId } from './workflow-tenant';

/** Payload metadata naming the tenant whose key the payload codec seals the payload with. */
export const TENANT_METADATA_KEY = 'latchkey-tenant';

/**
 * Metadata the codec sets on every payload it opened: the tenant whose key opened it. It is
 * never stored (the codec writes it after opening, over anything the sealed bytes held).
 */
export const SEALED_BY_METADATA_KEY = 'latchkey-sealed-by';

/** Where a decoded object keeps the tenant that sealed it (not enumerable: never serialised). */
const SEALED_BY = Symbol.for('latchkey.sealedBy');

/**
 * The tenant whose key sealed a decoded workflow or activity argument, or undefined when the
 * value did not come out of the codec (or is not an object, which cannot carry the mark).
 * The worker's interceptors compare it with the tenant the workflow id and the value name.
 */
export function sealingTenantOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const mark = (value as { [SEALED_BY]?: unknown })[SEALED_BY];
  return typeof mark === 'string' ? mark : undefined;
}

/**
 * The tenant a value belongs to: the top-level `tenantId` of a plain object, when it is a UUID.
 * Every platform contract (run-contracts) carries it at the top level, and carries data from
 * outside (step results, run payloads) under a field, so the top-level id is always the
 * platform's own.
 */
export function payloadTenantId(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return undefined;
  const tenantId = (value as { tenantId?: unknown }).tenantId;
  return isTenantId(tenantId) ? tenantId.toLowerCase() : undefined;
}

/**
 * The default converter (undefined, bytes, JSON), plus a `latchkey-tenant` metadata entry on
 * values that name their tenant, so the codec knows which tenant key to seal them with.
 * Values without one are sealed with the platform tenant's key.
 */
export class TenantTaggingPayloadConverter implements PayloadConverter {
  readonly #inner = new DefaultPayloadConverter();

  toPayload<T>(value: T, context?: SerializationContext, hint?: ConverterHint<T>): Payload {
    const payload = this.#inner.toPayload(value, context, hint);
    const tenantId = payloadTenantId(value);
    if (tenantId === undefined) return payload;
    return {
      ...payload,
      metadata: { ...payload.metadata, [TENANT_METADATA_KEY]: encode(tenantId) },
    };
  }

  fromPayload<T>(payload: Payload, context?: SerializationContext, hint?: ConverterHint<T>): T {
    const value = this.#inner.fromPayload<T>(payload, context, hint);
    const sealedBy = payload.metadata?.[SEALED_BY_METADATA_KEY];
    if (sealedBy && typeof value === 'object' && value !== null && Object.isExtensible(value)) {
      Object.defineProperty(value, SEALED_BY, { value: decode(sealedBy), enumerable: false });
    }
    return value;
  }
}

/** The `payloadConverter` export that `payloadConverterPath` requires. */
export const payloadConverter: PayloadConverter = new TenantTaggingPayloadConverter();

/**
 * The `failureConverter` export that `failureConverterPath` requires: error messages and stack
 * traces go into an encoded payload (so the codec encrypts them) instead of plain text.
 */
export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
