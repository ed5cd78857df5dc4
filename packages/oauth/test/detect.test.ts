import { describe, expect, it } from 'vitest';
import { detectTemplate, TEMPLATES } from '../src/catalogue';

const detect = (hint: Parameters<typeof detectTemplate>[1]) => detectTemplate(TEMPLATES, hint);

describe('detectTemplate', () => {
  it('knows an API by its host, with or without a path, in any case', () => {
    expect(
      detect({ urlHost: 'https://api.stripe.com', credentialNames: ['stripe_secret_key'] }),
    ).toMatchObject({ template: { id: 'stripe' }, from: 'urlHost' });
    expect(detect({ urlHost: 'https://API.Stripe.com/v1' }).candidates).toEqual(
      expect.arrayContaining(['stripe', 'stripe-connect']),
    );
    expect(detect({ urlHost: 'https://api.pipedrive.com' }).template).toBeUndefined();
  });

  it('tells an OAuth template from a key-based one on the same host by the credentials given', () => {
    const oauth = detect({
      urlHost: 'https://api.hubapi.com',
      credentialNames: ['client_id', 'client_secret'],
    });
    expect(oauth.template?.id).toBe('hubspot');
    const key = detect({ urlHost: 'https://api.hubapi.com', credentialNames: ['access_token'] });
    expect(key.template?.id).toBe('hubspot');
    const none = detect({ urlHost: 'https://api.hubapi.com' });
    expect(none.template).toBeUndefined();
    expect(none.candidates).toEqual(['hubspot', 'hubspot-private-app']);
  });

  it('fills placeholders of per-account hosts', () => {
    const shop = detect({
      urlHost: 'https://acme-store.myshopify.com',
      credentialNames: ['client_id', 'client_secret'],
    });
    expect(shop.template?.id).toBe('shopify');
    expect(detect({ urlHost: 'https://evil.com/acme.myshopify.com' }).candidates).toEqual([]);
    expect(detect({ urlHost: 'https://acme.myshopify.com.evil.com' }).candidates).toEqual([]);
  });

  it('knows a database by its scheme', () => {
    expect(
      detect({ urlHost: 'postgresql://<<user>>:<<password>>@<<host>>:<<port>>' }).template?.id,
    ).toBe('postgres');
    expect(detect({ urlHost: 'postgres://db.internal/app' }).template?.id).toBe('postgres');
    expect(detect({ urlHost: 'mysql://db.internal/app' }).template?.id).toBe('mysql');
  });

  it('without a host, reads the id, but only when the credentials fit the template', () => {
    expect(
      detect({ id: 'hubspot-crm', credentialNames: ['access_token', 'refresh_token'] }),
    ).toMatchObject({ template: { id: 'hubspot' }, from: 'id' });
    expect(detect({ id: 'my-stripe', credentialNames: ['secret_key'] }).template?.id).toBe(
      'stripe',
    );
    // A name alone is weak evidence: a Slack bot token is not the Slack OAuth app's tokens.
    expect(detect({ id: 'slack-bot', credentialNames: ['bot_token'] }).template).toBeUndefined();
    expect(detect({ id: 'main-db', credentialNames: ['password'] }).template).toBeUndefined();
  });

  it('detects nothing from nothing', () => {
    expect(detect({})).toEqual({ candidates: [] });
  });
});
