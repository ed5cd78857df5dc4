import { maskSecret } from './mask';
import type { SealContext } from './types';
import type { Vault } from './vault';

/**
 * Credential bags: the named secrets of one record (an integration's credentials, a
 * connection's tokens), sealed as one ciphertext, with the masked hints reads show and the
 * names-only diff the audit log records. Writers (the api) and the token refresh share them.
 */

/** A set of named secrets, sealed as one ciphertext per record. */
export type CredentialBag = Record<string, string>;

export interface BagChange {
  set?: CredentialBag;
  remove?: readonly string[];
  /** Start from nothing instead of the stored bag. */
  replace?: boolean;
}

export interface BagDiff {
  set: string[];
  removed: string[];
}

export async function openBag(
  vault: Pick<Vault, 'openJson'>,
  ctx: SealContext,
  sealed: Uint8Array | null,
): Promise<CredentialBag> {
  if (!sealed) return {};
  return vault.openJson<CredentialBag>(ctx, sealed);
}

/** Applies an upsert's credential change; names only in the diff, for the audit log. */
export function changeBag(
  stored: CredentialBag,
  change: BagChange,
): { bag: CredentialBag; diff: BagDiff } {
  const bag: CredentialBag = change.replace ? {} : { ...stored };
  const removed = new Set<string>(change.replace ? Object.keys(stored) : []);
  for (const name of change.remove ?? []) {
    if (name in bag) {
      delete bag[name];
      removed.add(name);
    }
  }
  const set = Object.keys(change.set ?? {});
  for (const name of set) {
    bag[name] = change.set?.[name] ?? '';
    removed.delete(name);
  }
  return { bag, diff: { set, removed: [...removed] } };
}

/** Seals a bag (null when empty) and computes the masked hints shown on reads. */
export async function sealBag(
  vault: Pick<Vault, 'sealJson'>,
  ctx: SealContext,
  bag: CredentialBag,
): Promise<{ sealed: Buffer | null; hints: Record<string, string> }> {
  const names = Object.keys(bag).sort();
  if (names.length === 0) return { sealed: null, hints: {} };
  const hints = Object.fromEntries(names.map((name) => [name, maskSecret(bag[name] ?? '')]));
  return { sealed: await vault.sealJson(ctx, bag), hints };
}

export interface CredentialHint {
  name: string;
  hint: string;
}

export function hintList(hints: Record<string, string>): CredentialHint[] {
  return Object.keys(hints)
    .sort()
    .map((name) => ({ name, hint: hints[name] ?? '' }));
}
