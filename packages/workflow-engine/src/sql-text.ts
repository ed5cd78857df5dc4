/**
 * The highest `$n` parameter a SQL text uses, ignoring string literals (standard and E''),
 * quoted identifiers, dollar-quoted bodies and comments, where `$1` is just text.
 */
export function highestSqlParameter(sql: string): number {
  let max = 0;
  let i = 0;
  const n = sql.length;
  const identChar = /[\p{L}\p{N}_$]/u;
  const dollarTag = /\$([A-Za-z_\p{L}][A-Za-z0-9_\p{L}]*)?\$/uy;
  const param = /\$(\d+)/y;
  while (i < n) {
    const c = sql[i];
    const prev = i > 0 ? (sql[i - 1] ?? '') : '';
    if (c === "'") {
      const escapes = /[eE]/.test(prev) && !(i > 1 && identChar.test(sql[i - 2] ?? ''));
      i++;
      while (i < n) {
        if (escapes && sql[i] === '\\') i += 2;
        else if (sql[i] === "'" && sql[i + 1] === "'") i += 2;
        else if (sql[i] === "'") break;
        else i++;
      }
      i++;
    } else if (c === '"') {
      const end = sql.indexOf('"', i + 1);
      i = end < 0 ? n : end + 1;
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? n : end + 1;
    } else if (c === '/' && sql[i + 1] === '*') {
      let depth = 1;
      i += 2;
      while (i < n && depth > 0) {
        if (sql[i] === '/' && sql[i + 1] === '*') {
          depth++;
          i += 2;
        } else if (sql[i] === '*' && sql[i + 1] === '/') {
          depth--;
          i += 2;
        } else i++;
      }
    } else if (c === '$' && !identChar.test(prev)) {
      param.lastIndex = i;
      const p = param.exec(sql);
      if (p) {
        max = Math.max(max, Number(p[1]));
        i += p[0].length;
        continue;
      }
      dollarTag.lastIndex = i;
      const tag = dollarTag.exec(sql);
      if (tag) {
        const end = sql.indexOf(tag[0], i + tag[0].length);
        i = end < 0 ? n : end + tag[0].length;
        continue;
      }
      i++;
    } else {
      i++;
    }
  }
  return max;
}
