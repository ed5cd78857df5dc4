import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type IntegrationTemplate, TEMPLATES, templateKind } from '../src/catalogue';

/**
 * CATALOGUE.md is generated from the templates: this test fails when it is out of date.
 * Regenerate with `UPDATE_CATALOGUE=1 pnpm vitest run --project @latchkey/oauth catalogue-doc`.
 * Tables are written column-aligned the way biome formats Markdown, and compared cell by cell,
 * so formatting the file does not break the test.
 */
const CATALOGUE_PATH = new URL('../CATALOGUE.md', import.meta.url);

function authLabel(t: IntegrationTemplate): string {
  const a = t.auth;
  switch (a.type) {
    case 'oauth2':
      return 'OAuth 2.0 bearer';
    case 'bearer':
      return `bearer \`${a.credential ?? 'api_key'}\``;
    case 'header':
      return `header \`${a.name}\`${a.prefix ? ` (${a.prefix} …)` : ''}${a.credential ? ` ← \`${a.credential}\`` : ''}`;
    case 'query':
      return `query \`${a.name}\`${a.credential ? ` ← \`${a.credential}\`` : ''}`;
    case 'basic':
      return `basic \`${a.username || '""'}\` / \`${a.password || '""'}\``;
    default:
      return a.type;
  }
}

/** `GET /users/me`, with its query; databases verify with `SELECT 1`. */
function verifyLabel(t: IntegrationTemplate): string {
  if (templateKind(t) === 'database') return '`SELECT 1`';
  if (!t.verify) return '—';
  const query = new URLSearchParams(t.verify.query ?? {}).toString();
  return `\`${t.verify.method ?? 'GET'} ${t.verify.path || '(base)'}${query ? `?${query}` : ''}\``;
}

const FORMAT_LABEL = {
  epoch_seconds: 'epoch s',
  epoch_ms: 'epoch ms',
  delta_seconds: 'seconds',
  http_date: 'date',
} as const;

/** The headers that say when to retry, in the order they are read. */
function rateLimitLabel(t: IntegrationTemplate): string {
  const r = t.rateLimit;
  if (!r) return '—';
  return [
    ...(r.retryAfter ?? []).map((h) => `\`${h}\``),
    ...(r.reset ?? []).map((h) => `\`${h.header}\` (${FORMAT_LABEL[h.format]})`),
  ].join(', ');
}

const cell = (text: string) => text.replace(/\|/g, '\\|');
const width = (text: string) => [...text].length;

/** A Markdown table with padded columns (biome's layout). */
function table(head: string[], rows: string[][]): string[] {
  const widths = head.map((h, i) => Math.max(3, width(h), ...rows.map((r) => width(r[i] ?? ''))));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => c + ' '.repeat((widths[i] ?? 0) - width(c))).join(' | ')} |`;
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

/** Table rows as trimmed cells, everything else as is: the content without the layout. */
function normalise(markdown: string): string[] {
  return markdown
    .trimEnd()
    .split('\n')
    .map((l) =>
      l.startsWith('|')
        ? l
            .split(/(?<!\\)\|/)
            .map((c) => c.trim().replace(/^-{3,}$/, '---'))
            .join('|')
        : l.trimEnd(),
    );
}

function renderCatalogue(): string {
  const kinds = ['oauth2', 'api_key', 'database'] as const;
  const count = (k: (typeof kinds)[number]) =>
    TEMPLATES.filter((t) => templateKind(t) === k).length;
  const lines = [
    '# Integration template catalogue',
    '',
    '<!-- Generated from src/catalogue by test/catalogue-doc.test.ts; do not edit by hand.',
    '     Regenerate: UPDATE_CATALOGUE=1 pnpm vitest run --project @latchkey/oauth catalogue-doc -->',
    '',
    `${TEMPLATES.length} templates: ${count('oauth2')} OAuth 2.0, ${count('api_key')} API key, ${count('database')} database;`,
    `${TEMPLATES.filter((t) => t.verify).length} declare a verification request and ${TEMPLATES.filter((t) => t.rateLimit).length} their rate-limit headers.`,
    'Creating an integration from a template fills in everything but the secrets. For OAuth',
    'templates the tokens come from the flow; "Credentials" lists what else the user supplies',
    '(host placeholders, tenant ids). Refresh: `rotating` = every refresh returns a new refresh',
    'token that replaces the old one, `static` = the refresh token is reused, `none` = no refresh',
    'token (long-lived access tokens). Some templates also send fixed headers (`headers`, e.g.',
    '`Notion-Version`) or give defaults for non-secret credentials (`credentialDefaults`, e.g.',
    'Mailgun’s Basic user `api`, a database port); the fields are described in',
    '`src/catalogue/schema.ts`.',
    '',
    '"verify" is the cheapest authenticated read that proves the credentials work (relative to the',
    'base URL; credential tests and connection health send it). "retry" lists the response headers',
    'the HTTP step reads for its retry delay on 429 and 503, in order: `Retry-After`-style headers',
    '(seconds or an HTTP date), then reset headers and how they count (epoch seconds, epoch',
    'milliseconds, seconds from now, or a date).',
    '',
  ];
  const credentials = (t: IntegrationTemplate) =>
    t.credentialNames.map((n) => `\`${n}\``).join(', ') || '—';
  const common = (t: IntegrationTemplate) => [
    `\`${t.id}\``,
    cell(t.name),
    t.category,
    authLabel(t),
    `\`${t.urlHost}${t.urlPath}\``,
    credentials(t),
    verifyLabel(t),
    rateLimitLabel(t),
  ];
  const head = ['id', 'name', 'category', 'auth', 'base URL', 'credentials', 'verify', 'retry'];
  for (const kind of kinds) {
    const list = TEMPLATES.filter((t) => templateKind(t) === kind);
    const title = { oauth2: 'OAuth 2.0', api_key: 'API key', database: 'Database' }[kind];
    if (kind !== 'oauth2') lines.push('');
    lines.push(`## ${title}`, '');
    if (kind === 'oauth2') {
      lines.push(
        ...table(
          [...head, 'PKCE', 'client auth', 'refresh'],
          list.map((t) => {
            const o = t.oauth!;
            return [...common(t), o.pkce, o.clientAuthMethod, o.refreshTokens];
          }),
        ),
      );
    } else {
      lines.push(...table(head, list.map(common)));
    }
  }
  return `${lines.join('\n')}\n`;
}

describe('CATALOGUE.md', () => {
  it('lists every template and matches the catalogue', () => {
    const doc = renderCatalogue();
    if (process.env.UPDATE_CATALOGUE) writeFileSync(CATALOGUE_PATH, doc);
    const file = readFileSync(CATALOGUE_PATH, 'utf8');
    for (const t of TEMPLATES) expect(file).toContain(`\`${t.id}\``);
    expect(
      normalise(file),
      'CATALOGUE.md is out of date: UPDATE_CATALOGUE=1 pnpm vitest run --project @latchkey/oauth catalogue-doc',
    ).toEqual(normalise(doc));
  });
});
