import type { MappingContext } from './context';
import { encodeComponent } from './encoding';
import { expandSecrets } from './redact';
import { appendQuery, encodeOrThrow, renderQuery, renderUrl, where } from './render';
import type { MappedDatabaseConnection, MapRequestInput } from './types';

/**
 * Database integrations: the URL template is filled with component encoding. When the template
 * has no userinfo, `username` / `password` credentials (if any) are inserted; when it has no path,
 * a `database` credential (if any) becomes the path. Method, headers and body do not apply;
 * `request.query` becomes connection parameters (`sslmode=require`).
 */
export function mapDatabase(ctx: MappingContext, input: MapRequestInput): MappedDatabaseConnection {
  const { integration } = input;
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
