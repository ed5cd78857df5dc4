import type { IntegrationTemplate } from './schema';

const DATABASE_CREDENTIALS = ['user', 'password', 'host', 'port', 'database'];

/** Managed PostgreSQL services require TLS. */
const REQUIRE_TLS = 'sslmode=require';

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
  /** Connection parameters after the database name (`sslmode=require` for managed services). */
  params?: string;
  /** Further non-secret defaults (a managed service's usual database or user name). */
  defaults?: Record<string, string>;
}): IntegrationTemplate {
  return {
    id: t.id,
    name: t.name,
    category: 'database',
    docsUrl: t.docsUrl,
    urlHost: `${t.scheme}://<<user>>:<<password>>@<<host>>:<<port>>`,
    urlPath: `/<<database>>${t.params ? `?${t.params}` : ''}`,
    auth: { type: 'database' },
    credentialNames: DATABASE_CREDENTIALS,
    credentialDefaults: { port: t.port, ...t.defaults },
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

  // Managed PostgreSQL: the same wire protocol, TLS required, each with its own host names.
  sqlDatabase({
    id: 'supabase-postgres',
    name: 'Supabase (PostgreSQL)',
    docsUrl: 'https://supabase.com/docs/guides/database/connecting-to-postgres',
    scheme: 'postgresql',
    port: '5432',
    params: REQUIRE_TLS,
    defaults: { database: 'postgres' },
    instructions:
      'Use the session pooler (aws-0-<region>.pooler.supabase.com, user postgres.<project-ref>) or the direct host db.<project-ref>.supabase.co.',
  }),
  sqlDatabase({
    id: 'neon',
    name: 'Neon (PostgreSQL)',
    docsUrl: 'https://neon.com/docs/connect/connect-from-any-app',
    scheme: 'postgresql',
    port: '5432',
    params: REQUIRE_TLS,
    defaults: { database: 'neondb' },
    instructions:
      'host is the endpoint (ep-...-pooler.<region>.aws.neon.tech for pooled connections).',
  }),
  sqlDatabase({
    id: 'amazon-rds-postgres',
    name: 'Amazon RDS for PostgreSQL',
    docsUrl:
      'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ConnectToPostgreSQLInstance.html',
    scheme: 'postgresql',
    port: '5432',
    params: REQUIRE_TLS,
    instructions:
      'host is the instance endpoint (<name>.<id>.<region>.rds.amazonaws.com); the security group must admit the workers.',
  }),
  sqlDatabase({
    id: 'amazon-aurora-postgres',
    name: 'Amazon Aurora PostgreSQL',
    docsUrl: 'https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.Connecting.html',
    scheme: 'postgresql',
    port: '5432',
    params: REQUIRE_TLS,
    instructions:
      'host is the cluster (writer) endpoint, or the reader endpoint for read-only steps.',
  }),
  sqlDatabase({
    id: 'google-cloud-sql-postgres',
    name: 'Google Cloud SQL for PostgreSQL',
    docsUrl: 'https://cloud.google.com/sql/docs/postgres/connect-overview',
    scheme: 'postgresql',
    port: '5432',
    params: REQUIRE_TLS,
    instructions:
      'host is the instance public IP (add the workers to authorized networks) or a Cloud SQL Auth Proxy.',
  }),
  sqlDatabase({
    id: 'google-alloydb',
    name: 'Google AlloyDB for PostgreSQL',
    docsUrl: 'https://cloud.google.com/alloydb/docs/connection-overview',
    scheme: 'postgresql',
    port: '5432',
    params: REQUIRE_TLS,
    instructions:
      'host is the instance IP (private IP, or public IP where enabled) or an AlloyDB Auth Proxy.',
  }),
  sqlDatabase({
    id: 'azure-postgres',
    name: 'Azure Database for PostgreSQL',
    docsUrl:
      'https://learn.microsoft.com/en-us/azure/postgresql/flexible-server/how-to-connect-tls-ssl',
    scheme: 'postgresql',
    port: '5432',
    params: REQUIRE_TLS,
    instructions:
      'host is <server>.postgres.database.azure.com; allow the workers in the server firewall.',
  }),
  sqlDatabase({
    id: 'cockroachdb',
    name: 'CockroachDB',
    docsUrl: 'https://www.cockroachlabs.com/docs/stable/connection-parameters',
    scheme: 'postgresql',
    port: '26257',
    params: REQUIRE_TLS,
    defaults: { database: 'defaultdb' },
    instructions:
      'PostgreSQL wire protocol; CockroachDB Cloud hosts look like <cluster>.<region>.cockroachlabs.cloud.',
  }),
  sqlDatabase({
    id: 'heroku-postgres',
    name: 'Heroku Postgres',
    docsUrl: 'https://devcenter.heroku.com/articles/connecting-heroku-postgres',
    scheme: 'postgresql',
    port: '5432',
    params: REQUIRE_TLS,
    instructions:
      'Split DATABASE_URL into its parts; Heroku rotates credentials, so update them when it does.',
  }),
  sqlDatabase({
    id: 'digitalocean-postgres',
    name: 'DigitalOcean Managed PostgreSQL',
    docsUrl: 'https://docs.digitalocean.com/products/databases/postgresql/how-to/connect/',
    scheme: 'postgresql',
    port: '25060',
    params: REQUIRE_TLS,
    defaults: { database: 'defaultdb' },
    instructions:
      'host is the cluster host (…db.ondigitalocean.com); add the workers to trusted sources.',
  }),
  sqlDatabase({
    id: 'render-postgres',
    name: 'Render Postgres',
    docsUrl: 'https://render.com/docs/postgresql-creating-connecting',
    scheme: 'postgresql',
    port: '5432',
    params: REQUIRE_TLS,
    instructions: 'Use the external connection details (host …<region>-postgres.render.com).',
  }),
  sqlDatabase({
    id: 'timescale',
    name: 'Tiger Cloud (TimescaleDB)',
    docsUrl: 'https://docs.tigerdata.com/integrations/latest/find-connection-details/',
    scheme: 'postgresql',
    port: '5432',
    params: REQUIRE_TLS,
    defaults: { database: 'tsdb', user: 'tsdbadmin' },
    instructions:
      'host and port come from the service’s connection details (…tsdb.cloud.timescale.com).',
  }),
  sqlDatabase({
    id: 'aiven-postgres',
    name: 'Aiven for PostgreSQL',
    docsUrl: 'https://aiven.io/docs/products/postgresql/howto/connect-psql',
    scheme: 'postgresql',
    port: '5432',
    params: REQUIRE_TLS,
    defaults: { database: 'defaultdb', user: 'avnadmin' },
    instructions: 'host and port come from the service overview (Aiven uses a per-service port).',
  }),
];
