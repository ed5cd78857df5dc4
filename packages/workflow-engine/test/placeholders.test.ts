import { describe, expect, it } from 'vitest';
import { PlaceholderError, resolveSqlParams } from '../src/index';

const variables = {
  input: { since: '2024-05-01', limit: 10, ids: [1, 2], flags: { a: true } },
  steps: { list: [{ id: 'cus_1' }] },
};

describe('resolveSqlParams', () => {
  it('keeps the JSON type of a whole placeholder and substitutes text otherwise', () => {
    expect(
      resolveSqlParams(
        [
          '<<input.since>>',
          '<<input.limit>>',
          '<<input.ids>>',
          '<<steps.list.0.id>>',
          'since <<input.since>> (<<input.limit>>)',
          42,
          null,
          { nested: '<<input.flags>>' },
        ],
        variables,
      ),
    ).toEqual([
      '2024-05-01',
      10,
      [1, 2],
      'cus_1',
      'since 2024-05-01 (10)',
      42,
      null,
      { nested: { a: true } },
    ]);
    expect(resolveSqlParams(undefined, variables)).toEqual([]);
  });

  it('refuses credentials and missing variables', () => {
    expect(() => resolveSqlParams(['<<password>>'], variables)).toThrow(PlaceholderError);
    let caught: unknown;
    try {
      resolveSqlParams(['ok', 'x <<api_key>>'], variables);
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({
      code: 'CREDENTIAL_IN_SQL_PARAM',
      placeholder: 'api_key',
      location: 'params.1',
    });
    expect(() => resolveSqlParams(['<<input.nope>>'], variables)).toThrow(
      '<<input.nope>> in params.0 has no value in this run',
    );
    expect(() => resolveSqlParams(['<<steps.list.__proto__>>'], variables)).toThrow(
      PlaceholderError,
    );
  });
});
