import type { Payload } from '@temporalio/client';

/**
 * The codec server protocol's body: `{ "payloads": [{ "metadata": { key: base64 },
 * "data": base64 }] }`, the proto3 JSON form of Temporal's `Payloads`.
 */
export const MAX_PAYLOADS = 1000;
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

export class WireFormatError extends Error {
  override readonly name = 'WireFormatError';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function bytes(value: unknown, what: string): Uint8Array {
  if (typeof value !== 'string' || !BASE64.test(value)) {
    throw new WireFormatError(`${what} must be a base64 string`);
  }
  return Buffer.from(value, 'base64');
}

export function parsePayloads(body: Buffer): Payload[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw new WireFormatError('the body is not JSON');
  }
  if (!isRecord(parsed) || !Array.isArray(parsed.payloads)) {
    throw new WireFormatError('the body must be {"payloads": [...]}');
  }
  if (parsed.payloads.length > MAX_PAYLOADS) {
    throw new WireFormatError(`at most ${MAX_PAYLOADS} payloads per request`);
  }
  return parsed.payloads.map((item: unknown, index) => {
    if (!isRecord(item)) throw new WireFormatError(`payloads[${index}] must be an object`);
    let metadata: Record<string, Uint8Array> = {};
    if (item.metadata !== undefined && item.metadata !== null) {
      if (!isRecord(item.metadata)) {
        throw new WireFormatError(`payloads[${index}].metadata must be an object`);
      }
      // fromEntries defines own properties: a "__proto__" key stays an ordinary entry.
      metadata = Object.fromEntries(
        Object.entries(item.metadata).map(([key, value]) => [
          key,
          bytes(value, `payloads[${index}].metadata values`),
        ]),
      );
    }
    const data =
      item.data === undefined || item.data === null
        ? new Uint8Array()
        : bytes(item.data, `payloads[${index}].data`);
    return { metadata, data };
  });
}

const base64 = (value: Uint8Array | null | undefined) =>
  Buffer.from(value ?? new Uint8Array()).toString('base64');

export function serialisePayloads(payloads: Payload[]): string {
  return JSON.stringify({
    payloads: payloads.map((payload) => ({
      metadata: Object.fromEntries(
        Object.entries(payload.metadata ?? {}).map(([key, value]) => [key, base64(value)]),
      ),
      data: base64(payload.data),
    })),
  });
}
