import type { IntegrationTemplate } from './schema';

const DATABASE_CREDENTIALS = ['user', 'password', 'host', 'port', 'database'];

/**
 * SQL databases: the credentials become the connection string (the credential mapper
 * percent-encodes each part). Only the password is secret; the rest may be stored on the
 * integration.
 */
function sqlDatabase(t: {
  id: string;
  name: string;
  docsUrl: string;
  scheme: string;
  port: string;
  instructions: string;
}): IntegrationTemplate {
  return {
    id: t.id,
    name: t.name,
    category: 'database',
    docsUrl: t.docsUrl,
    urlHost: `${t.scheme}://<<user>>:<<password>>@<<host>>:<<port>>`,
    urlPath: '/<<database>>',
    auth: { type: 'database' },
    credentialNames: DATABASE_CREDENTIALS,
    credentialDefaults: { port: t.port },
    instructions: t.instructions,
  };
}

export const DATABASE_TEMPLATES: IntegrationTemplate[] = [
  sqlDatabase({
    id: 'postgres',
    name: 'PostgreSQL',
    docsUrl: 'https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-CONNSTRING-URIS',
    scheme: 'postgresql',
    port: '5432',
    instructions:
      'SQL steps with $1, $2 parameters. Managed databases usually need TLS (append ?sslmode=require to the path).',
  }),
  sqlDatabase({
    id: 'mysql',
    name: 'MySQL',
    docsUrl: 'https://dev.mysql.com/doc/refman/8.4/en/connecting-using-uri-or-key-value-pairs.html',
    scheme: 'mysql',
    port: '3306',
    instructions: 'SQL steps with ? parameters. Also fits MariaDB.',
  }),
];
