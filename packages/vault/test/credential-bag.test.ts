import { describe, expect, it } from 'vitest';
import { changeBag, hintList, openBag, sealBag } from '../src/index';
import { context, memoryVault } from './support';

describe('credential bags', () => {
  it('sets, removes and replaces names, reporting names only', () => {
    const stored = { api_key: 'key-1111', region: 'eu' };
    expect(
      changeBag(stored, { set: { api_key: 'key-2222' }, remove: ['region', 'absent'] }),
    ).toEqual({ bag: { api_key: 'key-2222' }, diff: { set: ['api_key'], removed: ['region'] } });
    // A replace drops every stored name the change does not set again.
    expect(changeBag(stored, { replace: true, set: { region: 'us' } })).toEqual({
      bag: { region: 'us' },
      diff: { set: ['region'], removed: ['api_key'] },
    });
    // Nothing in the diff is a value.
    const { diff } = changeBag(stored, { set: { token: 'secret-value-3333' } });
    expect(JSON.stringify(diff)).not.toContain('secret-value-3333');
    expect(stored).toEqual({ api_key: 'key-1111', region: 'eu' });
  });

  it('seals a bag to its record and shows masked hints; an empty bag seals to nothing', async () => {
    const { vault } = await memoryVault();
    const ctx = context();
    const bag = { api_key: 'sk_live_abcdefghijklmnop', user: 'me' };
    const { sealed, hints } = await sealBag(vault, ctx, bag);
    expect(sealed).not.toBeNull();
    expect(sealed?.toString('latin1')).not.toContain('sk_live_abcdefghijklmnop');
    expect(JSON.stringify(hints)).not.toContain('abcdefghijklmnop');
    expect(hintList(hints).map((h) => h.name)).toEqual(['api_key', 'user']);
    expect(await openBag(vault, ctx, sealed)).toEqual(bag);
    // Sealed to its record: another record's context does not open it.
    await expect(openBag(vault, context({ tenantId: ctx.tenantId }), sealed)).rejects.toThrow();

    expect(await sealBag(vault, ctx, {})).toEqual({ sealed: null, hints: {} });
    expect(await openBag(vault, ctx, null)).toEqual({});
    vault.close();
  });
});
