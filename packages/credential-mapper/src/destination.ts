import type { CredentialEntry } from './merge';
import { NamePool } from './names';
import { isVariablePath, parseTemplate, wholePlaceholder } from './placeholders';
import type { IntegrationConfig, Variables } from './types';
import { parseUrlTemplate, type UrlComponent } from './url-template';
import { lookupVariable } from './variables';

/**
 * Destination binding. Invariant: a stored secret (integration or connection credential) is
 * sent only to the scheme, host and port it was stored for. When something given with the run
 * picks the destination (a runtime credential or a variable filling a placeholder of urlHost's
 * scheme, host or port, a whole-urlHost placeholder, or a runtime database URL), the request
 * uses runtime credentials only; the template's non-secret defaults (a port) still apply.
 */

/** The alias group whose one credential is a whole database URL (`database_url`, `DATABASE_URL`). */
export const DATABASE_URL_GROUP = 'database_url';

const ORIGIN_COMPONENTS: ReadonlySet<UrlComponent> = new Set(['scheme', 'host', 'port']);

/** The placeholder names that decide urlHost's scheme, host or port (names only, no values). */
export function originPlaceholders(urlHost: string): string[] {
  const trimmed = urlHost.trim();
  const whole = wholePlaceholder(trimmed);
  if (whole !== undefined) return [whole];
  if (!trimmed.includes('<<')) return [];
  const names: string[] = [];
  for (const part of parseUrlTemplate(trimmed).parts) {
    if (part.kind === 'placeholder' && ORIGIN_COMPONENTS.has(part.component)) {
      names.push(part.name);
    }
  }
  // A scheme-less template (`<<shop>>.myshopify.com`) is all path to the parser: any name counts.
  if (!trimmed.includes('://')) {
    for (const part of parseTemplate(trimmed))
      if (part.kind === 'placeholder') names.push(part.name);
  }
  return names;
}

/**
 * What chose the destination from the run itself: the runtime credential's or the variable's
 * name, or undefined when the destination is the stored one.
 */
export function runtimeDestination(
  entries: readonly CredentialEntry[],
  integration: Pick<IntegrationConfig, 'id' | 'urlHost'>,
  options: { database: boolean; variables?: Variables },
): string | undefined {
  const names = originPlaceholders(integration.urlHost);
  if (names.length === 0 && !options.database) return undefined;
  const fromRun =
    entries.some((e) => e.source === 'runtime') ||
    names.some((name) => isVariablePath(name) || lookupVariable(options.variables, name).found);
  if (!fromRun) return undefined;
  const pool = new NamePool(entries, integration.id);
  for (const name of names) {
    if (isVariablePath(name)) return name;
    const res = pool.resolve(name);
    if (res.status === 'resolved') {
      if (res.credential.source === 'runtime') return res.credential.name;
    } else if (res.status === 'unresolved' && lookupVariable(options.variables, name).found) {
      return name; // a top-level variable of the run fills it
    }
    // Ambiguous names are reported by the mapping itself.
  }
  if (options.database && wholePlaceholder(integration.urlHost.trim()) === undefined) {
    const url = pool.resolveGroup(DATABASE_URL_GROUP);
    if (url.status === 'resolved' && url.credential.source === 'runtime') {
      return url.credential.name;
    }
  }
  return undefined;
}
