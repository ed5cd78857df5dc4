import { describe, expect, it } from 'vitest';
import { authLookups, checkResolvable, inspectTemplate } from '../src/index';

describe('inspectTemplate', () => {
  it('lists placeholders of the integration and the step, split by kind', () => {
    expect(
      inspectTemplate({
        integration: {
          urlHost: 'postgresql://<<user>>:<<password>>@<<host>>:<<port>>',
          urlPath: '/<<database_name>>',
        },
      }),
    ).toEqual({
      placeholders: ['user', 'password', 'host', 'port', 'database_name'],
      credentials: ['user', 'password', 'host', 'port', 'database_name'],
      variables: [],
      auth: [],
    });
    expect(
      inspectTemplate({
        integration: { urlHost: 'https://api.x.com', auth: { type: 'header', name: 'X-Key' } },
        request: {
          path: '/c/<<input.id>>',
          query: { k: '<<api_key>>' },
          headers: { 'X-A': '<<steps.a.b>>' },
          body: { t: '<<token>>' },
        },
      }),
    ).toEqual({
      placeholders: ['input.id', 'api_key', 'steps.a.b', 'token'],
      credentials: ['api_key', 'token'],
      variables: ['input.id', 'steps.a.b'],
      auth: ['X-Key'],
    });
  });

  it('names the auth lookups of each scheme', () => {
    expect(authLookups({ type: 'bearer' })).toEqual(['api_key']);
    expect(authLookups({ type: 'oauth2' })).toEqual(['access_token']);
    expect(authLookups({ type: 'basic', password: '' })).toEqual(['username']);
    expect(authLookups({ type: 'query', name: 'key', credential: 'maps_key' })).toEqual([
      'maps_key',
    ]);
    expect(authLookups({ type: 'none' })).toEqual([]);
    expect(authLookups(undefined)).toEqual([]);
  });
});

describe('checkResolvable', () => {
  it('reports resolved, unresolved, ambiguous and variable placeholders', () => {
    const report = checkResolvable(
      ['secret_key', 'X-SERVICE-API-KEY', 'database_name', 'token', 'nope', 'input.id'],
      { runtime: ['stripe_secret_key'], connection: ['api_key', 'database', 'access_token'] },
      'stripe',
    );
    expect(report.ok).toBe(false);
    expect(report.resolved).toEqual([
      {
        placeholder: 'secret_key',
        credential: 'stripe_secret_key',
        source: 'runtime',
        match: 'prefixed',
      },
      {
        placeholder: 'X-SERVICE-API-KEY',
        credential: 'api_key',
        source: 'connection',
        match: 'normalised',
      },
      {
        placeholder: 'database_name',
        credential: 'database',
        source: 'connection',
        match: 'alias',
      },
    ]);
    expect(report.ambiguous).toEqual([
      { placeholder: 'token', candidates: ['access_token', 'api_key', 'stripe_secret_key'] },
    ]);
    expect(report.unresolved).toEqual([
      {
        placeholder: 'nope',
        candidates: ['access_token', 'api_key', 'database', 'stripe_secret_key'],
      },
    ]);
    expect(report.variables).toEqual(['input.id']);
  });

  it('accepts a flat list and known variable roots', () => {
    const report = checkResolvable(['user', 'mode', 'input.x', 'other.y'], ['username'], 'pg', {
      variables: ['input', 'mode'],
    });
    expect(report.resolved.map((r) => r.credential)).toEqual(['username']);
    expect(report.variables).toEqual(['mode', 'input.x']);
    expect(report.unresolved).toEqual([{ placeholder: 'other.y', candidates: [] }]);
  });

  it('is ok when everything resolves', () => {
    expect(checkResolvable(['api_key'], ['API_KEY'], 'x').ok).toBe(true);
    expect(checkResolvable([], [], 'x').ok).toBe(true);
  });
});
