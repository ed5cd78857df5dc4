import type { CodeOptions } from 'ajv';

type RegExpEngine = NonNullable<CodeOptions['regExp']>;

import { RE2JS } from 're2js';

/**
 * Tenant regular expressions (JSON Schema `pattern`, `patternProperties`) run on RE2's
 * automaton (re2js, pure JavaScript): matching takes time linear in the input, whatever the
 * pattern. A backtracking `RegExp` would let one schema such as `^(a+)+$` hold the event loop
 * for minutes, for every tenant at once.
 *
 * RE2 has no backreferences and no lookarounds: such a pattern is refused when the schema is
 * checked, with the schema path of the pattern, never run with a backtracking engine instead.
 * JavaScript's `\uXXXX` and `\u{X…}` escapes are spelled `\x{…}` for RE2; everything else
 * JSON Schema patterns commonly use (classes, `\d \w \s`, `\p{…}`, named groups) reads the same.
 */

/** Rewrites JavaScript-only escapes into RE2's spelling; other text is left as it is. */
export function toRe2Syntax(pattern: string): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char !== '\\') {
      out += char;
      continue;
    }
    const next = pattern[i + 1];
    if (next === 'u') {
      const braced = /^\{([0-9a-fA-F]{1,6})\}/.exec(pattern.slice(i + 2));
      if (braced) {
        out += `\\x{${braced[1]}}`;
        i += 1 + braced[0].length;
        continue;
      }
      const four = /^[0-9a-fA-F]{4}/.exec(pattern.slice(i + 2));
      if (four) {
        out += `\\x{${four[0]}}`;
        i += 5;
        continue;
      }
    }
    out += next === undefined ? char : char + next;
    i += 1;
  }
  return out;
}

/** A pattern RE2 cannot run, and why (RE2's own message). */
export class UnsupportedPatternError extends Error {
  constructor(
    readonly pattern: string,
    readonly reason: string,
  ) {
    super(
      `pattern ${JSON.stringify(pattern)} is not supported: only patterns that match in linear ` +
        `time are accepted (no backreferences or lookarounds): ${reason}`,
    );
    this.name = 'UnsupportedPatternError';
  }
}

function compileLinear(pattern: string): RE2JS {
  try {
    return RE2JS.compile(toRe2Syntax(pattern));
  } catch (error) {
    throw new UnsupportedPatternError(
      pattern,
      error instanceof Error ? error.message : String(error),
    );
  }
}

/** Why RE2 cannot run `pattern`, or undefined when it can. */
export function linearPatternProblem(pattern: string): string | undefined {
  try {
    compileLinear(pattern);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/**
 * Ajv's `code.regExp` engine: Ajv calls it with the pattern and its flags ("u") and needs an
 * object with `test`; RE2 reads Unicode either way. Ajv keys compiled patterns by `toString()`,
 * so it must differ per pattern. `code` is what standalone code generation would import; we
 * never generate standalone validators.
 */
export const linearRegExp: RegExpEngine = Object.assign(
  (pattern: string, _flags: string) => {
    const compiled = compileLinear(pattern);
    return {
      test: (input: string) => compiled.test(input),
      toString: () => `re2:${JSON.stringify(pattern)}`,
    };
  },
  { code: 'require("re2js").RE2JS.compile' },
);
