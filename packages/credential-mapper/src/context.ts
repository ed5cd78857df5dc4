import {
  ambiguousCredential,
  ambiguousPlaceholder,
  unresolvedCredential,
  unresolvedPlaceholder,
} from './errors';
import type { CredentialEntry } from './merge';
import type { NameResolution } from './names';
import { aliasGroupOf, NamePool } from './names';
import { isVariablePath } from './placeholders';
import type { ExplanationEntry, Placement, Variables } from './types';
import { lookupVariable } from './variables';

/** Where a placeholder or an auth credential goes, for the explanation and for errors. */
export interface Where {
  placedIn: Placement;
  /** Human wording: `header X-Api-Key`, `the connection string password`. */
  description: string;
  /** How the value is encoded there: `percent-encoded`, `raw`, `JSON-escaped`. */
  encoding: string;
}

export type ResolvedPlaceholder =
  | { kind: 'credential'; entry: CredentialEntry }
  | { kind: 'variable'; value: unknown };

export type ResolvedCredential = {
  entry: CredentialEntry;
  resolution: Extract<NameResolution<CredentialEntry>, { status: 'resolved' }>;
};

/** Routing details rather than secrets: never redacted, or `5432` would vanish from every log. */
const NOT_SECRET_GROUPS: ReadonlySet<string> = new Set(['host', 'port']);

/**
 * Mutable state of one mapping: resolves names, and records every credential it hands out in the
 * explanation (names only) and in the secret list (values, for redaction).
 */
export class MappingContext {
  readonly explanation: ExplanationEntry[] = [];
  /** Credentials placed through a `<<placeholder>>` (as opposed to by the auth scheme). */
  readonly usedByPlaceholder = new Set<CredentialEntry>();
  readonly #secrets = new Set<string>();
  readonly #pool: NamePool<CredentialEntry>;
  readonly #variables: Variables | undefined;
  readonly #integrationId: string;

  constructor(entries: readonly CredentialEntry[], integrationId: string, variables?: Variables) {
    this.#pool = new NamePool(entries, integrationId);
    this.#variables = variables;
    this.#integrationId = integrationId;
  }

  get secretValues(): string[] {
    return [...this.#secrets];
  }

  /**
   * A dotted name is a variable path. A plain name is a credential first (see NamePool.resolve),
   * then a top-level variable. Unresolved or ambiguous names throw, naming candidates only.
   */
  resolvePlaceholder(name: string, where: Where): ResolvedPlaceholder {
    if (isVariablePath(name)) {
      const found = lookupVariable(this.#variables, name);
      if (found.found) return { kind: 'variable', value: found.value };
      throw unresolvedPlaceholder(name, [], where.placedIn);
    }
    const res = this.#pool.resolve(name);
    if (res.status === 'resolved') {
      this.usedByPlaceholder.add(res.credential);
      this.place(res.credential, where, `placeholder <<${name}>>, ${this.#describe(res)}`);
      return { kind: 'credential', entry: res.credential };
    }
    if (res.status === 'ambiguous')
      throw ambiguousPlaceholder(name, res.candidates, where.placedIn);
    const found = lookupVariable(this.#variables, name);
    if (found.found) return { kind: 'variable', value: found.value };
    throw unresolvedPlaceholder(name, res.candidates, where.placedIn);
  }

  /**
   * A credential for an auth scheme: by name (same rules as placeholders) or, with `group`, the
   * single credential of an alias group. Ambiguity always throws; absence throws unless optional.
   */
  findCredential(
    lookup: { name: string } | { group: string },
    location: string,
    optional = false,
  ): ResolvedCredential | undefined {
    const res =
      'name' in lookup ? this.#pool.resolve(lookup.name) : this.#pool.resolveGroup(lookup.group);
    const label = 'name' in lookup ? lookup.name : lookup.group;
    if (res.status === 'resolved') return { entry: res.credential, resolution: res };
    if (res.status === 'ambiguous') throw ambiguousCredential(label, res.candidates, location);
    if (optional) return undefined;
    throw unresolvedCredential(label, res.candidates, location);
  }

  describeMatch(found: ResolvedCredential): string {
    return this.#describe(found.resolution);
  }

  /** Records a placement (deduplicated) and registers the value for redaction. */
  place(entry: CredentialEntry, where: Where, reason: string): void {
    if (!this.#explained(entry, where.placedIn)) {
      this.explanation.push({
        credential: entry.name,
        source: entry.source,
        placedIn: where.placedIn,
        reason: `${reason}; into ${where.description}, ${where.encoding}`,
      });
    }
    const group = aliasGroupOf(entry.name, this.#integrationId);
    if (!group || !NOT_SECRET_GROUPS.has(group)) this.addSecret(entry.value);
  }

  addSecret(value: string): void {
    if (value.length > 0) this.#secrets.add(value);
  }

  #explained(entry: CredentialEntry, placedIn: Placement): boolean {
    for (const e of this.explanation) {
      if (e.credential === entry.name && e.source === entry.source && e.placedIn === placedIn) {
        return true;
      }
    }
    return false;
  }

  #describe(res: Extract<NameResolution<CredentialEntry>, { status: 'resolved' }>): string {
    const how =
      res.match === 'exact'
        ? 'exact name'
        : res.match === 'prefixed'
          ? `name prefixed with the integration id "${this.#integrationId}"`
          : res.match === 'normalised'
            ? 'same name ignoring case and separators'
            : `alias group "${res.group ?? ''}"`;
    const matched = res.trailing
      ? `matched by the trailing part "${res.trailing}" of the name (${how})`
      : `matched by ${how}`;
    const overrides = res.overrides.length
      ? `; overrides ${res.overrides.map((c) => `${c.source} credential ${c.name}`).join(', ')}`
      : '';
    return `${res.credential.source} credential ${res.credential.name} ${matched}${overrides}`;
  }
}
