import { getTemplate, TEMPLATE_CATEGORIES } from '@latchkey/oauth';
import { describe, expect, it } from 'vitest';
import type { Connection, Integration, Run, Template } from '../src/api/types';
import { readOAuthReturn } from '../src/connections/oauth-return';
import { authFromDraft, draftFromAuth } from '../src/integrations/auth-draft';
import {
  type FormOrigin,
  initialValues,
  splitBaseUrl,
  upsertInputFrom,
} from '../src/integrations/form-values';
import { integrationStatus } from '../src/integrations/status';
import {
  CATEGORY_LABELS,
  CATEGORY_OPTIONS,
  templateAuthLabel,
  templateVerifies,
} from '../src/integrations/template-labels';
import { matchPath, pathTo } from '../src/router';
import { temporalRunPageUrl, temporalRunUrl } from '../src/runs/temporal-link';
import { formatDuration } from '../src/ui/format';

const noSecrets = { set: {}, remove: [], clientSecret: '' };
const ui = { url: 'http://ui.test/', namespace: 'default', codecEndpoint: 'http://api.test/codec' };

function templateOrigin(id: string): FormOrigin {
  const template = getTemplate(id);
  if (!template) throw new Error(`no template ${id}`);
  return { kind: 'template', template: template as Template };
}

const integration = (overrides: Partial<Integration> = {}): Integration => ({
  id: 'crm',
  name: 'CRM',
  urlHost: 'https://crm.example.test',
  urlPath: '/v2',
  auth: { type: 'oauth2' },
  templateId: null,
  instructions: null,
  docsUrl: null,
  credentials: [],
  oauth: {
    clientId: 'app',
    scopes: ['read'],
    authorizeUrl: 'https://crm.example.test/authorize',
    tokenUrl: 'https://crm.example.test/token',
    revokeUrl: null,
    extraAuthorizeParams: {},
    clientSecret: { set: true, hint: 'ab…cdef' },
  },
  version: 3,
  connection: null,
  health: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...overrides,
});

describe('the integration form sends only what changed', () => {
  it('leaves a template’s fields (placeholders and all) to the api when untouched', () => {
    const origin = templateOrigin('shopify');
    const initial = initialValues(origin);
    expect(initial.baseUrl).toContain('<<');
    const input = upsertInputFrom(origin, initial, initial, {
      ...noSecrets,
      set: { access_token: 'shpat_x' },
    });
    expect(input).toEqual({
      id: 'shopify',
      templateId: 'shopify',
      credentials: { access_token: 'shpat_x' },
    });
  });

  it('splits an edited base URL into host and path, like the api', () => {
    const origin = templateOrigin('stripe');
    const initial = initialValues(origin);
    const input = upsertInputFrom(
      origin,
      initial,
      { ...initial, baseUrl: 'http://127.0.0.1:9/v1' },
      noSecrets,
    );
    expect(input).toMatchObject({ urlHost: 'http://127.0.0.1:9', urlPath: '/v1' });
    expect(splitBaseUrl('postgresql://<<user>>@<<host>>:<<port>>/<<db>>')).toEqual({
      urlHost: 'postgresql://<<user>>@<<host>>:<<port>>',
      urlPath: '/<<db>>',
    });
    expect(splitBaseUrl('https://api.example.test/')).toEqual({
      urlHost: 'https://api.example.test',
      urlPath: '',
    });
  });

  it('edits OAuth settings, keeps the stored secret unless a new one is typed, and can drop OAuth', () => {
    const origin: FormOrigin = { kind: 'existing', integration: integration() };
    const initial = initialValues(origin);
    expect(upsertInputFrom(origin, initial, initial, noSecrets)).toEqual({ id: 'crm' });
    expect(
      upsertInputFrom(
        origin,
        initial,
        { ...initial, scopes: 'read, write' },
        { ...noSecrets, clientSecret: 'new-secret', remove: ['api_key'] },
      ),
    ).toEqual({
      id: 'crm',
      oauth: { scopes: ['read', 'write'], clientSecret: 'new-secret' },
      removeCredentials: ['api_key'],
    });
    expect(upsertInputFrom(origin, initial, { ...initial, usesOAuth: false }, noSecrets)).toEqual({
      id: 'crm',
      oauth: null,
    });
  });

  it('round-trips auth schemes and keeps a prefix’s spaces', () => {
    const header = { type: 'header', name: 'Authorization', prefix: 'Token ', credential: 'key' };
    expect(authFromDraft(draftFromAuth(header))).toEqual(header);
    expect(authFromDraft(draftFromAuth(null))).toBeNull();
    expect(authFromDraft({ ...draftFromAuth({ type: 'bearer' }), credential: ' ' })).toEqual({
      type: 'bearer',
      credential: undefined,
    });
  });
});

describe('the template picker’s labels', () => {
  const template = (id: string) => getTemplate(id) as Template;

  it('names how each kind of template authenticates', () => {
    expect(templateAuthLabel(template('hubspot'))).toBe('OAuth 2.0');
    expect(templateAuthLabel(template('paypal'))).toBe('OAuth 2.0 (also client credentials)');
    expect(templateAuthLabel(template('stripe'))).toBe('API key');
    expect(templateAuthLabel(template('twilio'))).toBe('Basic auth');
    expect(templateAuthLabel(template('serpapi'))).toBe('API key (query)');
    expect(templateAuthLabel(template('postgres'))).toBe('Database');
  });

  it('says which templates can test their credentials', () => {
    expect(templateVerifies(template('stripe'))).toBe(true);
    expect(templateVerifies(template('neon'))).toBe(true);
    expect(templateVerifies(template('google-sheets'))).toBe(false);
  });

  it('labels every catalogue category', () => {
    expect(Object.keys(CATEGORY_LABELS).sort()).toEqual([...TEMPLATE_CATEGORIES].sort());
    expect(CATEGORY_OPTIONS.map((o) => o.label)).toEqual(
      [...CATEGORY_OPTIONS.map((o) => o.label)].sort((a, b) => a.localeCompare(b)),
    );
  });
});

describe('console helpers', () => {
  it('matches routes with encoded ids', () => {
    expect(matchPath('/integrations/:id', pathTo('integrations', 'a.b/c'))).toEqual({
      id: 'a.b/c',
    });
    expect(matchPath('/integrations/:id', '/integrations')).toBeNull();
    expect(matchPath('/integrations', '/integrations/')).toEqual({});
  });

  it('links a run to the Temporal UI filtered to its workflow id, or not at all', () => {
    const run = { temporal: { workflowId: 'acme/stripe-customers/1234', runId: 'r' } } as Run;
    expect(temporalRunUrl(ui, run)).toBe(
      `http://ui.test/namespaces/default/workflows?query=${encodeURIComponent('WorkflowId="acme/stripe-customers/1234"')}`,
    );
    expect(temporalRunUrl(null, run)).toBeNull();
  });

  it('links a started run to its own page in the Temporal UI, a pending one to the list', () => {
    const started = { temporal: { workflowId: 'run:acme:wf:1', runId: 'r 1' } } as Run;
    expect(temporalRunPageUrl(ui, started)).toBe(
      'http://ui.test/namespaces/default/workflows/run%3Aacme%3Awf%3A1/r%201/history',
    );
    const pending = { temporal: { workflowId: 'run:acme:wf:2', runId: null } } as Run;
    expect(temporalRunPageUrl(ui, pending)).toBe(temporalRunUrl(ui, pending));
    expect(temporalRunPageUrl(null, started)).toBeNull();
  });

  it('reads what the OAuth callback reported', () => {
    expect(
      readOAuthReturn(new URLSearchParams('integrationId=crm&userId=al&status=active')),
    ).toEqual({ kind: 'connected', userId: 'al', status: 'active' });
    expect(readOAuthReturn(new URLSearchParams('error=access_denied'))).toEqual({
      kind: 'failed',
      error: 'access_denied',
    });
    expect(readOAuthReturn(new URLSearchParams(''))).toBeNull();
  });

  it('summarises an integration by its credentials or its users’ connections', () => {
    const connection = (userId: string, status: 'active' | 'needs_reauth') =>
      ({ integrationId: 'crm', userId, status }) as Connection;
    expect(integrationStatus(integration(), [])).toEqual({
      label: 'No connections yet',
      tone: 'muted',
    });
    expect(
      integrationStatus(integration(), [
        connection('a', 'active'),
        connection('b', 'needs_reauth'),
      ]),
    ).toEqual({ label: '1 connected · 1 needs attention', tone: 'warn' });
    expect(integrationStatus(integration({ oauth: null, auth: null }), []).tone).toBe('warn');
  });

  it('formats durations for people', () => {
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(2_400)).toBe('2.4 s');
    expect(formatDuration(65_000)).toBe('1 min 5 s');
  });
});
