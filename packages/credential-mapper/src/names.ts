import type { CredentialSource } from './types';
import { CREDENTIAL_SOURCES } from './types';

/**
 * Name normalisation and resolution. Works on credential NAMES only, so the workflow builder can
 * check templates without ever holding a value.
 *
 * Normalising a name: split into lowercase tokens on anything that is not a letter or digit and
 * on camelCase boundaries; drop a leading `x` token (`X-Api-Key` -> `api key`); drop a leading
 * copy of the integration id, or of a word of it (`stripe_secret_key` -> `secret key` for
 * integration `stripe`, `my-stripe` or `stripe-dev-42`). The
 * comparison key is the tokens joined without separators, so case, `-`, `_` and spaces do not
 * matter. Both placeholder names and credential names are normalised this way.
 */

/** Alias groups: names (as comparison keys) that mean the same kind of credential. */
export const ALIAS_GROUPS: Readonly<Record<string, readonly string[]>> = {
  api_key: [
    'api_key',
    'apikey',
    'key',
    'token',
    'api_token',
    'access_key',
    'access_token',
    'auth_token',
    'secret_key',
    'bearer_token',
    'oauth_token',
    'private_token',
    'private_app_token',
  ],
  password: ['password', 'pass', 'pwd', 'passwd'],
  username: ['username', 'user', 'login'],
  database: ['database', 'database_name', 'db', 'dbname'],
  host: ['host', 'hostname'],
  port: ['port'],
  /** One credential holding a whole database URL (see destination.ts and database.ts). */
  database_url: [
    'database_url',
    'database_uri',
    'db_url',
    'connection_string',
    'connection_url',
    'connection_uri',
    'postgres_url',
    'postgresql_url',
    'mysql_url',
  ],
};

/**
 * Words too generic to name a credential on their own once a qualifier was dropped: the trailing
 * part `key` of `<<client_key>>` must not pick up the API key.
 */
const GENERIC_WORDS: ReadonlySet<string> = new Set([
  'key',
  'token',
  'secret',
  'pass',
  'pwd',
  'user',
  'login',
  'name',
  'id',
  'host',
  'port',
  'db',
]);

export function tokenize(name: string): string[] {
  return name
    .replace(/(\p{Ll}|\p{N})(\p{Lu})/gu, '$1 $2')
    .replace(/(\p{Lu}+)(\p{Lu}\p{Ll})/gu, '$1 $2')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((token) => token.length > 0);
}

const keyOf = (tokens: readonly string[]): string => tokens.join('');

const GROUP_OF_KEY: ReadonlyMap<string, string> = new Map(
  Object.entries(ALIAS_GROUPS).flatMap(([group, names]) =>
    names.map((name) => [keyOf(tokenize(name)), group] as const),
  ),
);

/** The alias group of a name (after normalisation), if any. */
export function aliasGroupOf(name: string, integrationId = ''): string | undefined {
  return GROUP_OF_KEY.get(lookupOf(name, integrationId).key);
}

export interface NormalisedName {
  tokens: string[];
  /** Comparison key: tokens joined without separators. */
  key: string;
  /** True when a leading copy of the integration id was dropped. */
  prefixed: boolean;
}

function dropLeading(tokens: string[], prefix: readonly string[]): string[] | undefined {
  if (prefix.length === 0 || tokens.length <= prefix.length) return undefined;
  return prefix.every((token, i) => tokens[i] === token) ? tokens.slice(prefix.length) : undefined;
}

/**
 * Prefixes a credential name may carry for its integration: the whole id, then each run of
 * its words that names something (`my-stripe` and `stripe-dev-42` both give `stripe`, so the
 * documentation's `stripe_secret_key` works in either). Short, numeric and generic words are
 * not prefixes on their own.
 */
function ownerPrefixes(integrationId: string): string[][] {
  const words = tokenize(integrationId);
  const runs: string[][] = [];
  for (let length = words.length - 1; length >= 1; length--) {
    for (let start = 0; start + length <= words.length; start++) {
      const run = words.slice(start, start + length);
      const text = run.join('');
      if (text.length >= 3 && !/^\d+$/.test(text) && !GENERIC_WORDS.has(text)) runs.push(run);
    }
  }
  return [words, ...runs];
}

export function normaliseName(name: string, integrationId = ''): NormalisedName {
  let tokens = tokenize(name);
  tokens = dropLeading(tokens, ['x']) ?? tokens;
  let unprefixed: string[] | undefined;
  for (const prefix of ownerPrefixes(integrationId)) {
    unprefixed = dropLeading(tokens, prefix);
    if (unprefixed) break;
  }
  const prefixed = unprefixed !== undefined;
  if (unprefixed) tokens = dropLeading(unprefixed, ['x']) ?? unprefixed;
  return { tokens, key: keyOf(tokens), prefixed };
}

/** One step of `NamePool.resolve`: a comparison key and, past the first, the trailing part. */
interface LookupStep {
  readonly key: string;
  readonly trailing: string | undefined;
}

/** What resolution needs from a name, derived once per name and integration id. */
interface NameLookup {
  readonly key: string;
  readonly prefixed: boolean;
  readonly steps: readonly LookupStep[];
}

function buildLookup(name: string, integrationId: string): NameLookup {
  const { tokens, key, prefixed } = normaliseName(name, integrationId);
  const steps: LookupStep[] = [];
  // `Math.max` so a name without letters or digits still gets its exact slot (key '').
  for (let start = 0; start < Math.max(tokens.length, 1); start++) {
    const part = tokens.slice(start);
    if (start > 0 && part.length === 1 && GENERIC_WORDS.has(part[0] ?? '')) continue;
    steps.push({ key: keyOf(part), trailing: start > 0 ? part.join(' ') : undefined });
  }
  return { key, prefixed, steps };
}

/**
 * Names are looked up on every mapping (credential names, placeholder and scheme names), and
 * tokenizing allocates, so lookups are kept per integration id. Names only, never values. Bounded:
 * a table that grows past its limit is dropped and rebuilt from the names still in use.
 */
const MAX_NAMES = 512;
const MAX_INTEGRATIONS = 64;
const lookups = new Map<string, Map<string, NameLookup>>();

function lookupOf(name: string, integrationId: string): NameLookup {
  let byName = lookups.get(integrationId);
  if (!byName) {
    if (lookups.size >= MAX_INTEGRATIONS) lookups.clear();
    byName = new Map();
    lookups.set(integrationId, byName);
  }
  let found = byName.get(name);
  if (!found) {
    if (byName.size >= MAX_NAMES) byName.clear();
    found = buildLookup(name, integrationId);
    byName.set(name, found);
  }
  return found;
}

/** A credential known by name and source, without its value. */
export interface CredentialName {
  name: string;
  source: CredentialSource;
}

export type MatchKind =
  /** Same name, character for character. */
  | 'exact'
  /** Same name once the integration id prefix is dropped (`stripe_secret_key`). */
  | 'prefixed'
  /** Same name ignoring case and separators (`API-KEY` for `api_key`). */
  | 'normalised'
  /** A different name of the same alias group (`database` for `database_name`). */
  | 'alias';

export type NameResolution<T extends CredentialName> =
  | {
      status: 'resolved';
      credential: T;
      match: MatchKind;
      /** The alias group used, for `alias` matches. */
      group?: string;
      /** The trailing part of the placeholder that matched, when a qualifier was dropped. */
      trailing?: string;
      /** Same-named credentials of lower precedence that this one overrides. */
      overrides: T[];
    }
  | { status: 'ambiguous'; candidates: string[] }
  | { status: 'unresolved'; candidates: string[] };

const rank = (source: CredentialSource): number => CREDENTIAL_SOURCES.indexOf(source);

const uniqueSorted = (names: Iterable<string>): string[] =>
  [...new Set(names)].sort((a, b) => a.localeCompare(b));

interface Slot<T> {
  key: string;
  members: { credential: T; prefixed: boolean }[];
}

/**
 * Credentials grouped by comparison key: the same name in several sources is one slot whose
 * winner is chosen by precedence.
 */
export class NamePool<T extends CredentialName> {
  readonly #slots = new Map<string, Slot<T>>();
  readonly #integrationId: string;
  readonly #all: T[];

  constructor(credentials: readonly T[], integrationId: string) {
    this.#integrationId = integrationId;
    this.#all = [...credentials];
    for (const credential of credentials) {
      const { key, prefixed } = lookupOf(credential.name, integrationId);
      const slot = this.#slots.get(key);
      // A literal of one: most names have one credential, and `push` onto `[]` over-allocates.
      if (slot) slot.members.push({ credential, prefixed });
      else this.#slots.set(key, { key, members: [{ credential, prefixed }] });
    }
  }

  get names(): string[] {
    return uniqueSorted(this.#all.map((c) => c.name));
  }

  /**
   * Resolves a placeholder (or auth scheme) name. Order, first hit wins:
   * 1. the slot with the same normalised name (exact, prefixed and normalised names are one slot;
   *    see `#winner` for how the slot picks one credential);
   * 2. the alias group of the name: exactly one slot of that group must exist;
   * 3. the same two steps for each trailing part of the name, longest first, so
   *    `X-SERVICE-API-KEY` falls back to `api key`; a lone generic word never counts.
   */
  resolve(name: string): NameResolution<T> {
    for (const { key, trailing } of lookupOf(name, this.#integrationId).steps) {
      const slot = this.#slots.get(key);
      if (slot) return this.#winner(slot, name, trailing);

      const group = GROUP_OF_KEY.get(key);
      if (group) {
        const hit = this.#groupSlots(group);
        if (hit.length === 1 && hit[0]) {
          const res = this.#winner(hit[0], name, trailing);
          return res.status === 'resolved' ? { ...res, match: 'alias', group } : res;
        }
        if (hit.length > 1) {
          return {
            status: 'ambiguous',
            candidates: uniqueSorted(hit.flatMap((s) => s.members.map((m) => m.credential.name))),
          };
        }
      }
    }
    return { status: 'unresolved', candidates: this.names };
  }

  /** The single credential of an alias group, for auth placement without an explicit name. */
  resolveGroup(group: string): NameResolution<T> {
    const hit = this.#groupSlots(group);
    if (hit.length === 1 && hit[0]) {
      const res = this.#winner(hit[0], group, undefined);
      return res.status === 'resolved' ? { ...res, match: 'alias', group } : res;
    }
    if (hit.length > 1) {
      const names = hit.flatMap((s) => s.members.map((m) => m.credential.name));
      return { status: 'ambiguous', candidates: uniqueSorted(names) };
    }
    return { status: 'unresolved', candidates: this.names };
  }

  #groupSlots(group: string): Slot<T>[] {
    return [...this.#slots.values()].filter((slot) => GROUP_OF_KEY.get(slot.key) === group);
  }

  /**
   * One slot, one credential: the highest-precedence source wins (runtime > connection >
   * integration). Within that source, an integration-prefixed name beats a plain one (a run's
   * runtime bag is shared by all its integrations, so `stripe_api_key` is the more specific
   * statement than `api_key`), then the exact spelling of the placeholder; otherwise ambiguous.
   */
  #winner(slot: Slot<T>, name: string, trailing: string | undefined): NameResolution<T> {
    const only = slot.members.length === 1 ? slot.members[0] : undefined;
    if (only) {
      // The common case: one credential of that name, nothing to choose or override.
      const { credential } = only;
      const match: MatchKind =
        credential.name === name ? 'exact' : only.prefixed ? 'prefixed' : 'normalised';
      return { status: 'resolved', credential, match, overrides: [], trailing };
    }
    const best = Math.min(...slot.members.map((m) => rank(m.credential.source)));
    const top = slot.members.filter((m) => rank(m.credential.source) === best);
    const prefixed = top.filter((m) => m.prefixed);
    const exact = top.filter((m) => m.credential.name === name);
    const pick =
      top.length === 1
        ? top[0]
        : prefixed.length === 1
          ? prefixed[0]
          : exact.length === 1
            ? exact[0]
            : undefined;
    if (!pick)
      return { status: 'ambiguous', candidates: uniqueSorted(top.map((m) => m.credential.name)) };
    const match: MatchKind =
      pick.credential.name === name ? 'exact' : pick.prefixed ? 'prefixed' : 'normalised';
    const overrides = slot.members.filter((m) => m !== pick).map((m) => m.credential);
    return { status: 'resolved', credential: pick.credential, match, overrides, trailing };
  }
}
