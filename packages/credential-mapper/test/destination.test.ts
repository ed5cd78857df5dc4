import { describe, expect, it } from 'vitest';
import type { MappedDatabaseConnection, MapRequestInput } from '../src/index';
import { CredentialMappingError, mapRequest } from '../src/index';

const STORED_PASSWORD = 'stored-Pa55word-never-elsewhere';
const STORED_TOKEN = 'shpat_stored_token_0123456789';

/** The stored database integration: password in the vault, destination stored too. */
const storedDb = {
  id: 'main-db',
  urlHost: 'postgresql://<<user>>:<<password>>@<<host>>:<<port>>',
  urlPath: '/<<database>>',
  auth: { type: 'database' as const },
  credentials: {
    user: 'app',
    password: STORED_PASSWORD,
    host: 'db.internal.example',
    port: '5432',
    database: 'main',
  },
};

function database(input: MapRequestInput): MappedDatabaseConnection {
  const out = mapRequest(input);
  if (out.kind !== 'database') throw new Error('expected a database connection');
  return out;
}

function mappingError(run: () => unknown): CredentialMappingError {
  try {
    run();
  } catch (error) {
    if (error instanceof CredentialMappingError) return error;
    throw error;
  }
  throw new Error('expected a CredentialMappingError');
}

describe('destination binding: a stored secret goes only where it was stored for', () => {
  it('stored credentials reach the stored destination', () => {
    const out = database({ integration: storedDb });
    expect(out.connectionString).toBe(
      `postgresql://app:${STORED_PASSWORD}@db.internal.example:5432/main`,
    );
    expect(out.destinationFromRun).toBeUndefined();
  });

  it('a runtime host and port get no stored password: the run fails naming what is missing', () => {
    const error = mappingError(() =>
      mapRequest({
        integration: storedDb,
        runtimeCredentials: { host: '127.0.0.1', port: '6543' },
      }),
    );
    expect(error.code).toBe('UNRESOLVED_PLACEHOLDER');
    expect(error.placeholder).toBe('user');
    expect(error.message).toContain('"host" given with the run');
    expect(error.message).not.toContain(STORED_PASSWORD);
  });

  it('a runtime host with every other part given at run time works (the documentation sample)', () => {
    const out = database({
      integration: storedDb,
      runtimeCredentials: {
        user: 'u',
        password: 'runtime-pw',
        host: 'tenant-db.example',
        port: 5433 as unknown as string,
        database: 'db',
      },
    });
    expect(out.connectionString).toBe('postgresql://u:runtime-pw@tenant-db.example:5433/db');
    expect(out.destinationFromRun).toBe('host');
    expect(out.explanation.every((e) => e.source === 'runtime')).toBe(true);
  });

  it('a runtime port alone also withholds stored secrets', () => {
    const error = mappingError(() =>
      mapRequest({ integration: storedDb, runtimeCredentials: { port: '1' } }),
    );
    expect(error.message).toContain('"port" given with the run');
  });

  it('runtime credentials that do not touch the destination still combine with stored ones', () => {
    const out = database({ integration: storedDb, runtimeCredentials: { database: 'other' } });
    expect(out.connectionString).toBe(
      `postgresql://app:${STORED_PASSWORD}@db.internal.example:5432/other`,
    );
  });

  it('a runtime store domain gets no stored token (placeholder host)', () => {
    const shop = {
      id: 'shopify',
      urlHost: 'https://<<shop>>.myshopify.com',
      urlPath: '/admin/api',
      auth: { type: 'header' as const, name: 'X-Shopify-Access-Token', credential: 'token' },
      credentials: { shop: 'acme', token: STORED_TOKEN },
    };
    expect(mapRequest({ integration: shop })).toMatchObject({
      url: 'https://acme.myshopify.com/admin/api',
      headers: { 'X-Shopify-Access-Token': STORED_TOKEN },
    });
    const error = mappingError(() =>
      mapRequest({ integration: shop, runtimeCredentials: { shop: 'attacker' } }),
    );
    expect(error.code).toBe('UNRESOLVED_CREDENTIAL');
    expect(error.message).toContain('"shop" given with the run');
    const own = mapRequest({
      integration: shop,
      runtimeCredentials: { shop: 'mine', token: 'shpat_runtime' },
    });
    expect(own).toMatchObject({ headers: { 'X-Shopify-Access-Token': 'shpat_runtime' } });
  });

  it('a whole-urlHost placeholder from the run gets no stored token', () => {
    const error = mappingError(() =>
      mapRequest({
        integration: {
          id: 'sf',
          urlHost: '<<instance_url>>',
          auth: { type: 'bearer' },
          credentials: { api_key: STORED_TOKEN },
        },
        connectionCredentials: { instance_url: 'https://acme.my.salesforce.com' },
        runtimeCredentials: { instance_url: 'https://attacker.example' },
      }),
    );
    expect(error.message).toContain('"instance_url" given with the run');
  });

  it('a destination filled from the run input is treated like a runtime one', () => {
    const error = mappingError(() =>
      mapRequest({
        integration: {
          id: 'api',
          urlHost: 'https://<<input.host>>',
          auth: { type: 'bearer' },
          credentials: { api_key: STORED_TOKEN },
        },
        variables: { input: { host: 'attacker.example' } },
      }),
    );
    expect(error.message).toContain('"input.host" given with the run');
  });

  it('a connection’s own host (stored with its tokens) is a stored destination', () => {
    const out = mapRequest({
      integration: { id: 'sf', urlHost: '<<instance_url>>', auth: { type: 'oauth2' } },
      connectionCredentials: {
        instance_url: 'https://acme.my.salesforce.com',
        access_token: STORED_TOKEN,
      },
    });
    expect(out).toMatchObject({ headers: { Authorization: `Bearer ${STORED_TOKEN}` } });
  });
});

describe('a database URL as one credential', () => {
  const template = {
    id: 'postgresql',
    urlHost: 'postgresql://<<user>>:<<password>>@<<host>>:<<port>>',
    urlPath: '/<<database>>',
    auth: { type: 'database' as const },
    credentialDefaults: { port: '5432' },
  };
  const URL_WITH_PASSWORD = 'postgresql://tenant:s3cr%40t-pw@tenant-db.example:5433/app';

  for (const name of ['database_url', 'connection_string', 'DATABASE_URL', 'connection_uri']) {
    it(`stored as ${name}: works like the split form`, () => {
      const out = database({
        integration: { ...template, credentials: { [name]: URL_WITH_PASSWORD } },
      });
      expect(out.connectionString).toBe(URL_WITH_PASSWORD);
      expect(out.secrets).toEqual(expect.arrayContaining([URL_WITH_PASSWORD, 's3cr@t-pw']));
    });
  }

  it('given at run time (the documentation’s runtime sample) it replaces stored parts', () => {
    const out = database({
      integration: { ...storedDb, credentialDefaults: { port: '5432' } },
      runtimeCredentials: { database_url: URL_WITH_PASSWORD, stripe_secret_key: 'sk_x' },
    });
    expect(out.connectionString).toBe(URL_WITH_PASSWORD);
    expect(out.destinationFromRun).toBe('database_url');
    expect(out.secrets.join('\n')).not.toContain(STORED_PASSWORD);
  });

  it('a runtime DATABASE_URL with a runtime host: still the run’s, never the stored password', () => {
    const out = database({
      integration: storedDb,
      runtimeCredentials: { DATABASE_URL: URL_WITH_PASSWORD },
    });
    expect(out.connectionString).toBe(URL_WITH_PASSWORD);
  });

  it('step query parameters are appended', () => {
    const out = database({
      integration: { ...template, credentials: { database_url: URL_WITH_PASSWORD } },
      request: { query: { sslmode: 'require' } },
    });
    expect(out.connectionString).toBe(`${URL_WITH_PASSWORD}?sslmode=require`);
  });

  it('a value that is not a database URL is refused without quoting it', () => {
    const error = mappingError(() =>
      mapRequest({
        integration: template,
        runtimeCredentials: { database_url: 'https://secret-looking-value@x' },
      }),
    );
    expect(error.code).toBe('INVALID_URL');
    expect(error.message).toContain('database_url');
    expect(error.message).not.toContain('secret-looking-value');
  });

  it('two URL credentials are ambiguous, naming both', () => {
    const error = mappingError(() =>
      mapRequest({
        integration: template,
        runtimeCredentials: {
          database_url: URL_WITH_PASSWORD,
          connection_string: URL_WITH_PASSWORD,
        },
      }),
    );
    expect(error.code).toBe('AMBIGUOUS_CREDENTIAL');
    expect(error.candidates).toEqual(['connection_string', 'database_url']);
  });
});
