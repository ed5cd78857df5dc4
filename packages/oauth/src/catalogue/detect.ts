import type { IntegrationTemplate } from './schema';

/** Credential names that only make sense for an OAuth client or its tokens. */
export const OAUTH_CREDENTIAL_NAMES = [
  'client_id',
  'client_secret',
  'access_token',
  'refresh_token',
] as const;

export interface TemplateDetection {
  /** The one template that fits; absent when none or several do. */
  template?: IntegrationTemplate;
  /** What the guess was made from. */
  from?: 'urlHost' | 'id';
  /** Every template the hint matched, for a message when there is no single winner. */
  candidates: string[];
}

export interface DetectionHint {
  /** The integration's `urlHost` as given: `https://api.hubapi.com`, `postgresql://...`. */
  urlHost?: string;
  /** The integration id, used only without a urlHost: `hubspot-crm`, `my-stripe`. */
  id?: string;
  /** Names of the credentials given, to tell an OAuth template from a key-based one. */
  credentialNames?: readonly string[];
}

const PLACEHOLDER = /<<[^<>]+>>/g;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `https://<<shop>>.myshopify.com` matches `https://acme.myshopify.com`, case-insensitively. */
function hostPattern(templateHost: string): RegExp {
  const parts = templateHost.toLowerCase().split(PLACEHOLDER).map(escapeRegExp);
  return new RegExp(`^${parts.join('[a-z0-9-]+')}$`);
}

function schemeAndHost(urlHost: string): string | undefined {
  const match = /^([a-z][a-z0-9+.-]*):\/\/(?:[^@/?#]*@)?([^/?#:]+)/i.exec(urlHost.trim());
  if (!match?.[1] || !match[2]) return undefined;
  return `${match[1].toLowerCase()}://${match[2].toLowerCase()}`;
}

/**
 * A database URL's scheme names its engine's generic template; managed services that speak the
 * same protocol (Supabase, Neon, RDS ...) are chosen by templateId, not guessed.
 */
const DATABASE_SCHEMES: Record<string, string> = {
  postgres: 'postgres',
  postgresql: 'postgres',
  mysql: 'mysql',
};

function matchesHost(template: IntegrationTemplate, urlHost: string): boolean {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(urlHost)?.[1]?.toLowerCase() ?? '';
  if (template.auth.type === 'database') return DATABASE_SCHEMES[scheme] === template.id;
  const given = schemeAndHost(urlHost);
  const own = schemeAndHost(template.urlHost);
  return Boolean(given && own && hostPattern(own).test(given));
}

/** Template ids spelled inside an integration id: `hubspot-crm` holds `hubspot`. */
function matchesId(template: IntegrationTemplate, id: string): number {
  const words = id
    .toLowerCase()
    .split(/[-_.]+/)
    .filter(Boolean);
  const own = template.id.split('-');
  for (let start = 0; start + own.length <= words.length; start++) {
    if (own.every((word, i) => words[start + i] === word)) return own.length;
  }
  return 0;
}

/**
 * How well the given credential names fit a template: OAuth names point to OAuth templates,
 * the template's own credential names (bare or prefixed, `stripe_secret_key`) to key-based ones.
 */
function credentialFit(template: IntegrationTemplate, names: readonly string[]): number {
  const lower = names.map((name) => name.toLowerCase());
  if (template.oauth) {
    return lower.filter((n) => (OAUTH_CREDENTIAL_NAMES as readonly string[]).includes(n)).length;
  }
  return lower.filter((n) =>
    template.credentialNames.some((own) => n === own || n.endsWith(`_${own}`)),
  ).length;
}

/** One candidate, or the one the credential names fit best; `needFit` asks that they fit. */
function pickOne(candidates: IntegrationTemplate[], names: readonly string[], needFit = false) {
  if (candidates.length === 1 && !needFit) return candidates[0];
  const scored = candidates.map((t) => ({ t, score: credentialFit(t, names) }));
  const best = Math.max(...scored.map((s) => s.score));
  const winners = scored.filter((s) => s.score === best);
  return best > 0 && winners.length === 1 ? winners[0]?.t : undefined;
}

/**
 * The catalogue template an integration created without `templateId` most likely uses:
 * from its urlHost (`api.hubapi.com` is HubSpot), or, without one, from its id
 * (`hubspot-crm`, and only when the credential names fit it). Where several templates share a host (HubSpot OAuth and HubSpot private
 * app), the credential names decide; a tie or no match detects nothing, never a guess.
 */
export function detectTemplate(
  templates: readonly IntegrationTemplate[],
  hint: DetectionHint,
): TemplateDetection {
  const names = hint.credentialNames ?? [];
  if (hint.urlHost) {
    const urlHost = hint.urlHost;
    const candidates = templates.filter((t) => matchesHost(t, urlHost));
    const template = pickOne(candidates, names);
    return { template, from: 'urlHost', candidates: candidates.map((t) => t.id) };
  }
  if (hint.id) {
    const id = hint.id;
    const scored = templates.map((t) => ({ t, words: matchesId(t, id) }));
    const longest = Math.max(0, ...scored.map((s) => s.words));
    const candidates = longest > 0 ? scored.filter((s) => s.words === longest).map((s) => s.t) : [];
    // An id is weaker evidence than a host: the credentials must fit the template too.
    const template = pickOne(candidates, names, true);
    return { template, from: 'id', candidates: candidates.map((t) => t.id) };
  }
  return { candidates: [] };
}
