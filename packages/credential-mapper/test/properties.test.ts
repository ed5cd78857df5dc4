import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CredentialSource, MappedRequest, MapRequestInput } from '../src/index';
import { CredentialMappingError, createRedactor, mapRequest, secretForms } from '../src/index';

/**
 * Secrets start with `§`, which no fixed text of the mapper contains, so finding one in an
 * explanation or an error is a leak and never a coincidence. Graphemes exclude lone surrogates.
 */
const secret = (minLength = 3) =>
  fc
    .string({ unit: 'grapheme', minLength, maxLength: 30 })
    .map((s) => `§${s}`)
    .filter((s) => !/[\r\n\0]/.test(s));

const headerOf = (out: MappedRequest, name: string): string =>
  out.kind === 'http' ? (out.headers[name] ?? '') : '';
const urlOf = (out: MappedRequest): URL =>
  new URL(out.kind === 'http' ? out.url : out.connectionString);
const bodyOf = (out: MappedRequest): string => (out.kind === 'http' ? (out.body ?? '') : '');

interface Scenario {
  input: (value: string, other: string) => MapRequestInput;
  /** Reads the placed value back, decoding it the way the receiver would. */
  readBack: (out: MappedRequest) => string | undefined;
}

const api = { id: 'acme', urlHost: 'https://api.acme.test', urlPath: '/v1' };
const withKey = (request: MapRequestInput['request']) => (value: string) => ({
  integration: api,
  connectionCredentials: { api_key: value },
  request,
});

const scenarios: Record<string, Scenario> = {
  'Stripe bearer, prefixed runtime name': {
    input: (value) => ({
      integration: { id: 'stripe', urlHost: 'https://api.stripe.com', auth: { type: 'bearer' } },
      runtimeCredentials: { stripe_secret_key: value },
    }),
    readBack: (out) => headerOf(out, 'Authorization').replace(/^Bearer /, ''),
  },
  'header scheme X-SERVICE-API-KEY': {
    input: (value) => ({
      integration: { ...api, auth: { type: 'header', name: 'X-SERVICE-API-KEY' } },
      connectionCredentials: { api_key: value },
    }),
    readBack: (out) => headerOf(out, 'X-SERVICE-API-KEY'),
  },
  'query scheme': {
    input: (value) => ({
      integration: { ...api, auth: { type: 'query', name: 'api_key' } },
      connectionCredentials: { api_key: value },
    }),
    readBack: (out) => urlOf(out).searchParams.get('api_key') ?? undefined,
  },
  'basic scheme': {
    input: (value, other) => ({
      integration: { ...api, auth: { type: 'basic' } },
      connectionCredentials: { username: other.replace(/:/g, ''), password: value },
    }),
    readBack: (out) => {
      const pair = Buffer.from(headerOf(out, 'Authorization').slice(6), 'base64').toString('utf8');
      return pair.slice(pair.indexOf(':') + 1);
    },
  },
  'oauth2 access token': {
    input: (value) => ({
      integration: { ...api, auth: { type: 'oauth2' } },
      connectionCredentials: { access_token: value, refresh_token: 'refresh' },
    }),
    readBack: (out) => headerOf(out, 'Authorization').replace(/^Bearer /, ''),
  },
  'header placeholder': {
    input: withKey({ headers: { 'X-Key': '<<api_key>>' } }),
    readBack: (out) => headerOf(out, 'X-Key'),
  },
  'query map placeholder': {
    input: withKey({ query: { key: 'pre-<<api_key>>' } }),
    readBack: (out) => urlOf(out).searchParams.get('key')?.slice(4),
  },
  'path placeholder': {
    input: withKey({ path: '/a/<<api_key>>/b' }),
    readBack: (out) => decodeURIComponent(urlOf(out).pathname.split('/')[3] ?? ''),
  },
  'JSON body': {
    input: withKey({ method: 'POST', body: { nested: ['<<api_key>>'] } }),
    readBack: (out) => JSON.parse(bodyOf(out)).nested[0],
  },
  'JSON string body': {
    input: withKey({
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"k":"<<api_key>>"}',
    }),
    readBack: (out) => JSON.parse(bodyOf(out)).k,
  },
  'form body': {
    input: withKey({
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: { k: '<<api_key>>' },
    }),
    readBack: (out) => new URLSearchParams(bodyOf(out)).get('k') ?? undefined,
  },
  'Postgres password': {
    input: (value, other) => ({
      integration: {
        id: 'pg',
        urlHost: 'postgresql://<<user>>:<<password>>@<<host>>:<<port>>',
        urlPath: '/<<database_name>>',
      },
      connectionCredentials: {
        user: other,
        password: value,
        host: 'db.internal',
        port: '5432',
        database: `${other}db`,
      },
    }),
    readBack: (out) => decodeURIComponent(urlOf(out).password),
  },
};

const scenarioName = fc.constantFrom(...Object.keys(scenarios));
const run = (name: string, value: string, other: string) => {
  const scenario = scenarios[name];
  if (!scenario) throw new Error(name);
  return { scenario, out: mapRequest(scenario.input(value, other)) };
};

const strings = (value: unknown): string[] =>
  typeof value === 'string'
    ? [value]
    : value && typeof value === 'object'
      ? Object.entries(value).flatMap(([k, v]) => [k, ...strings(v)])
      : [];

describe('properties', () => {
  it('the placed value decodes back to the secret', () => {
    fc.assert(
      fc.property(scenarioName, secret(0), secret(0), (name, value, other) => {
        const { scenario, out } = run(name, value, other);
        expect(scenario.readBack(out)).toBe(value);
      }),
      { numRuns: 300 },
    );
  });

  it('a Postgres URL parses back to user, password and database', () => {
    fc.assert(
      fc.property(secret(0), secret(0), secret(0), (user, password, database) => {
        const out = mapRequest({
          integration: {
            id: 'pg',
            urlHost: 'postgresql://<<user>>:<<password>>@<<host>>:<<port>>',
            urlPath: '/<<database_name>>',
          },
          runtimeCredentials: { user, password, host: 'localhost', port: '5432', database },
        });
        const url = urlOf(out);
        expect(decodeURIComponent(url.username)).toBe(user);
        expect(decodeURIComponent(url.password)).toBe(password);
        expect(decodeURIComponent(url.pathname.slice(1))).toBe(database);
        expect(url.hostname).toBe('localhost');
        expect(url.port).toBe('5432');
      }),
    );
  });

  it('a secret never appears in the explanation', () => {
    fc.assert(
      fc.property(scenarioName, secret(), secret(), (name, value, other) => {
        const { out } = run(name, value, other);
        const text = JSON.stringify(out.explanation);
        expect(text).not.toContain(value);
        expect(strings(out.explanation).some((s) => s.includes(value))).toBe(false);
        expect(out.secrets).toContain(value);
      }),
      { numRuns: 300 },
    );
  });

  it('redacted output contains no form of any secret', () => {
    fc.assert(
      fc.property(scenarioName, secret(), secret(), (name, value, other) => {
        const { out } = run(name, value, other);
        const redacted = createRedactor(out.secrets).redact(out);
        const texts = [JSON.stringify(redacted), ...strings(redacted)];
        const placed = [
          value,
          ...(name === 'basic scheme' || name === 'Postgres password' ? [other] : []),
        ];
        for (const secretValue of placed) {
          for (const form of secretForms(secretValue).filter((f) => f.length >= 4)) {
            for (const text of texts) expect(text).not.toContain(form);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a redactor hides every form of arbitrary secrets in arbitrary text', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: 'binary', minLength: 4, maxLength: 20 }), {
          minLength: 1,
          maxLength: 3,
        }),
        fc.array(fc.string({ unit: 'binary', maxLength: 10 }), { maxLength: 4 }),
        fc.nat(),
        (secrets, fillers, pick) => {
          const forms = secrets.flatMap(secretForms);
          const text = [...fillers, ...forms.slice(pick % forms.length)].join('');
          const out = createRedactor(secrets).redactString(text);
          for (const form of forms.filter((f) => f.length >= 4)) expect(out).not.toContain(form);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('errors never contain a secret', () => {
    const failing: ((value: string) => MapRequestInput)[] = [
      // CR/LF in a header
      (value) => ({
        integration: api,
        connectionCredentials: { api_key: `${value}\r\nX-Injected: 1` },
        request: { headers: { 'X-Key': '<<api_key>>' } },
      }),
      (value) => ({
        integration: { ...api, auth: { type: 'bearer' } },
        connectionCredentials: { token: `${value}\n` },
      }),
      // unresolved and ambiguous placeholders next to real secrets
      (value) => ({
        integration: api,
        connectionCredentials: { api_key: value },
        request: { headers: { 'X-Key': '<<missing>>' } },
      }),
      (value) => ({
        integration: api,
        connectionCredentials: { api_key: value, access_token: `${value}2` },
        request: { headers: { 'X-Key': '<<token>>' } },
      }),
      (value) => ({
        integration: api,
        connectionCredentials: { api_key: value, access_token: `${value}2` },
      }),
      // invalid URLs built from a secret
      (value) => ({
        integration: { id: 'x', urlHost: 'https://x.test:<<port>>' },
        connectionCredentials: { port: value },
      }),
      (value) => ({
        integration: { id: 'x', urlHost: '<<base>>' },
        connectionCredentials: { base: value },
      }),
      // a colon in a Basic username
      (value) => ({
        integration: { ...api, auth: { type: 'basic' } },
        connectionCredentials: { username: `${value}:x`, password: value },
      }),
    ];
    fc.assert(
      fc.property(fc.constantFrom(...failing.keys()), secret(), (index, value) => {
        let caught: unknown;
        try {
          mapRequest(failing[index]?.(value) as MapRequestInput);
        } catch (error) {
          caught = error;
        }
        expect(caught).toBeInstanceOf(CredentialMappingError);
        const error = caught as CredentialMappingError;
        const fields = [
          error.message,
          error.placeholder,
          error.location,
          ...error.candidates,
          String(error.stack),
        ];
        for (const field of fields) expect(String(field)).not.toContain(value);
      }),
      { numRuns: 300 },
    );
  });

  it('any text either maps or fails with a typed error that does not quote it', () => {
    fc.assert(
      fc.property(scenarioName, fc.string({ unit: 'binary', minLength: 1 }), (name, raw) => {
        const value = `§${raw}`;
        try {
          run(name, value, 'user');
        } catch (error) {
          expect(error).toBeInstanceOf(CredentialMappingError);
          expect((error as Error).message).not.toContain(value);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('precedence: runtime > connection > integration, whatever the spelling', () => {
    const spelling = fc.constantFrom('api_key', 'API_KEY', 'apiKey', 'api-key', 'Api Key');
    const runtimeSpelling = fc.constantFrom('api_key', 'API_KEY', 'acme_api_key', 'ACME-API-KEY');
    fc.assert(
      fc.property(
        fc.option(runtimeSpelling),
        fc.option(spelling),
        fc.option(spelling),
        secret(0),
        (runtime, connection, integration, value) => {
          fc.pre(runtime !== null || connection !== null || integration !== null);
          const map = (source: CredentialSource, name: string | null) =>
            name === null ? undefined : { [name]: `${source}:${value}` };
          const out = mapRequest({
            integration: { ...api, credentials: map('integration', integration) },
            connectionCredentials: map('connection', connection),
            runtimeCredentials: map('runtime', runtime),
            request: { headers: { 'X-Key': '<<api_key>>' } },
          });
          const expected: CredentialSource | undefined =
            runtime !== null
              ? 'runtime'
              : connection !== null
                ? 'connection'
                : integration !== null
                  ? 'integration'
                  : undefined;
          expect(headerOf(out, 'X-Key')).toBe(`${expected}:${value}`);
          expect(out.explanation[0]?.source).toBe(expected);
        },
      ),
    );
  });

  it('is deterministic', () => {
    fc.assert(
      fc.property(scenarioName, secret(), secret(), (name, value, other) => {
        expect(run(name, value, other).out).toEqual(run(name, value, other).out);
      }),
    );
  });
});
