import type { MappingContext } from './context';
import { DATABASE_URL_GROUP } from './destination';
import { encodeComponent } from './encoding';
import { CredentialMappingError } from './errors';
import { expandSecrets } from './redact';
import { appendQuery, encodeOrThrow, renderQuery, renderUrl, where } from './render';
import type { MappedDatabaseConnection, MapRequestInput } from './types';
import { isDatabaseUrl } from './url-template';

/**
 * Database integrations: the URL template is filled with component encoding. When the template
 * has no userinfo, `username` / `password` credentials (if any) are inserted; when it has no path,
 * a `database` credential (if any) becomes the path. Method, headers and body do not apply;
 * `request.query` becomes connection parameters (`sslmode=require`).
 *
 * A whole database URL as one credential (`database_url`, `connection_string`, `DATABASE_URL`)
 * stands for the split form: it is the connection string, as given. Which credentials are
 * available at all (stored, or the run's only) is decided before, in map-request.ts.
 */
export function mapDatabase(ctx: MappingContext, input: MapRequestInput): MappedDatabaseConnection {
  const { integration } = input;
  const whole = wholeUrlCredential(ctx, integration.urlHost);
  if (whole !== undefined) {
    return {
      kind: 'database',
      connectionString: appendQuery(
        whole,
        renderQuery(ctx, input.request?.query, 'connectionString'),
      ),
      explanation: ctx.explanation,
      secrets: expandSecrets(ctx.secretValues, 1),
    };
  }
  const rendered = renderUrl(
    ctx,
    integration.urlHost,
    integration.urlPath ?? '',
    'connectionString',
  );
  let connectionString = rendered.url;

  if (!rendered.wholeOrigin) {
    const authStart = connectionString.indexOf('://') + 3;
    const optional = (name: string) => {
      const found = ctx.findCredential({ name }, 'auth:database', true);
      return found && !ctx.usedByPlaceholder.has(found.entry) ? found : undefined;
    };
    const insert = (name: string, component: string) => {
      const found = optional(name);
      if (!found) return undefined;
      ctx.place(
        found.entry,
        where('connectionString', `the connection string ${component}`, 'percent-encoded'),
        `database connection string without ${component}; ${ctx.describeMatch(found)}`,
      );
      return encodeOrThrow(() => encodeComponent(found.entry.value), name, 'connectionString');
    };
    if (!rendered.template.hasUserinfo && authStart >= 3) {
      const user = insert('username', 'userinfo (user)');
      const password = insert('password', 'userinfo (password)');
      if (user !== undefined || password !== undefined) {
        const userinfo = password === undefined ? (user ?? '') : `${user ?? ''}:${password}`;
        connectionString = `${connectionString.slice(0, authStart)}${userinfo}@${connectionString.slice(authStart)}`;
      }
    }
    if (!rendered.template.hasPath && authStart >= 3) {
      const database = insert('database', 'path (database name)');
      if (database !== undefined) {
        const rest = connectionString.slice(authStart);
        const end = rest.search(/[/?#]/);
        const at = end < 0 ? connectionString.length : authStart + end;
        const slash = connectionString[at] === '/' ? 1 : 0;
        connectionString = `${connectionString.slice(0, at + slash)}${slash ? '' : '/'}${database}${connectionString.slice(at + slash)}`;
      }
    }
  }

  connectionString = appendQuery(
    connectionString,
    renderQuery(ctx, input.request?.query, 'connectionString'),
  );
  return {
    kind: 'database',
    connectionString,
    explanation: ctx.explanation,
    secrets: expandSecrets(ctx.secretValues, 1),
  };
}

/** The database URL credential, when there is one and urlHost is not already `<<database_url>>`. */
function wholeUrlCredential(ctx: MappingContext, urlHost: string): string | undefined {
  if (/^\s*<<[^<>]+>>\s*$/.test(urlHost)) return undefined; // renderUrl places it itself
  const found = ctx.findCredential({ group: DATABASE_URL_GROUP }, 'auth:database', true);
  if (!found) return undefined;
  const { name, value } = found.entry;
  let url: URL | undefined;
  try {
    url = isDatabaseUrl(value) ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  if (!url?.hostname) {
    // Never quote the value: it is a connection string with its password.
    throw new CredentialMappingError(
      'INVALID_URL',
      `The credential ${name} must be a database URL such as postgresql://user:password@host:5432/db`,
      { placeholder: name, location: 'connectionString' },
    );
  }
  ctx.place(
    found.entry,
    where('connectionString', 'the whole connection string', 'as given'),
    `database URL as one credential; ${ctx.describeMatch(found)}`,
  );
  if (url.password) {
    ctx.addSecret(url.password);
    try {
      ctx.addSecret(decodeURIComponent(url.password));
    } catch {
      // not percent-encoded: the raw form is registered
    }
  }
  return value;
}
