import type { CredentialMap, CredentialSource } from './types';
import { CREDENTIAL_SOURCES } from './types';

/** One credential with its origin. The value never leaves the mapper except where placed. */
export interface CredentialEntry {
  readonly name: string;
  readonly source: CredentialSource;
  readonly value: string;
}

export type CredentialSources = Partial<Record<CredentialSource, CredentialMap | undefined>>;

const isOwnEnumerable = Object.prototype.propertyIsEnumerable;

/**
 * All credentials of all sources, highest precedence first. Own enumerable keys only (no
 * prototype lookups); numbers and booleans that slipped in from JSON become strings; null,
 * undefined and objects are skipped.
 */
export function credentialEntries(sources: CredentialSources): CredentialEntry[] {
  const entries: CredentialEntry[] = [];
  for (const source of CREDENTIAL_SOURCES) {
    const map = sources[source];
    if (!map) continue;
    // for-in over own enumerable keys: those of Object.entries, in its order, without its pairs
    for (const name in map) {
      if (!isOwnEnumerable.call(map, name)) continue;
      const raw: unknown = map[name];
      const value =
        typeof raw === 'string'
          ? raw
          : typeof raw === 'number' || typeof raw === 'boolean'
            ? String(raw)
            : undefined;
      if (value !== undefined) entries.push({ name, source, value });
    }
  }
  return entries;
}
