import { describe, expect, it } from 'vitest';
import { highestSqlParameter } from '../src/index';

describe('highestSqlParameter', () => {
  it('finds $n outside literals, identifiers, comments and dollar quotes', () => {
    expect(highestSqlParameter('SELECT 1')).toBe(0);
    expect(highestSqlParameter('SELECT * FROM t WHERE a = $1 AND b = $12')).toBe(12);
    expect(highestSqlParameter("SELECT '$5', 'it''s $6', E'\\'$7' WHERE a = $2")).toBe(2);
    expect(
      highestSqlParameter('SELECT "col$9" FROM t -- $8\n WHERE x = $1 /* $7 /* $6 */ */'),
    ).toBe(1);
    expect(highestSqlParameter('SELECT $$ $4 $$, $fn$ $5 $fn$, $3')).toBe(3);
    expect(highestSqlParameter('SELECT a$1 FROM t')).toBe(0);
  });
});
