import type { Connection } from '@temporalio/client';
import proto from '@temporalio/proto';
import { SEARCH_ATTRIBUTES } from './search-attributes';

// The proto package is CommonJS: Node's ESM loader sees only its default export.
const { temporal } = proto;
type IndexedValueType = proto.temporal.api.enums.v1.IndexedValueType;

const INDEXED_TYPES: Record<string, IndexedValueType> = {
  KEYWORD: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  KEYWORD_LIST: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
};

/**
 * Registers Latchkey's search attributes on a namespace, skipping those already there.
 * The dev server gets them at start-up; this covers any other cluster.
 */
export async function ensureSearchAttributes(
  connection: Connection,
  namespace: string,
): Promise<void> {
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  const missing: Record<string, IndexedValueType> = {};
  for (const key of SEARCH_ATTRIBUTES) {
    if (existing.customAttributes?.[key.name] === undefined) {
      const type = INDEXED_TYPES[key.type];
      if (type !== undefined) missing[key.name] = type;
    }
  }
  if (Object.keys(missing).length === 0) return;
  await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: missing });
}
