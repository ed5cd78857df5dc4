/**
 * `<<name>>` templating. A name starts and ends with a letter, digit or underscore and may contain
 * `.`, `-` and spaces in between, so `<<X-SERVICE-API-KEY>>` and `<<steps.getUser.id>>` are
 * placeholders while `a << b >> c` stays literal text. There is no escape syntax.
 *
 * Substitution is a single pass: a substituted value is never scanned again, so a credential or a
 * variable that itself contains `<<...>>` cannot pull in other secrets.
 */
const PLACEHOLDER = /<<([\p{L}\p{N}_](?:[\p{L}\p{N}_.\- ]*[\p{L}\p{N}_])?)>>/gu;
/** The same, for a whole template (a name cannot contain `<` or `>`, so no other parse exists). */
const WHOLE = /^<<([\p{L}\p{N}_](?:[\p{L}\p{N}_.\- ]*[\p{L}\p{N}_])?)>>$/u;

export type TemplatePart = { kind: 'text'; text: string } | { kind: 'placeholder'; name: string };

/**
 * The next placeholder at or after `from`. Sets `lastIndex` before every search, so a search
 * started inside another (`substitute` calls back into the mapper) cannot disturb it.
 */
function nextPlaceholder(template: string, from: number): RegExpExecArray | null {
  PLACEHOLDER.lastIndex = from;
  return PLACEHOLDER.exec(template);
}

export function parseTemplate(template: string): TemplatePart[] {
  if (!template.includes('<<')) return template ? [{ kind: 'text', text: template }] : [];
  const parts: TemplatePart[] = [];
  let last = 0;
  for (let match = nextPlaceholder(template, 0); match; match = nextPlaceholder(template, last)) {
    const start = match.index;
    if (start > last) parts.push({ kind: 'text', text: template.slice(last, start) });
    parts.push({ kind: 'placeholder', name: match[1] ?? '' });
    last = start + match[0].length;
  }
  if (last < template.length) parts.push({ kind: 'text', text: template.slice(last) });
  return parts;
}

/** The placeholder name when the whole template is exactly one placeholder. */
export function wholePlaceholder(template: string): string | undefined {
  if (!template.startsWith('<<')) return undefined;
  return WHOLE.exec(template)?.[1];
}

/** Replaces every placeholder with `render(name)`; literal text is kept as is. */
export function substitute(template: string, render: (name: string) => string): string {
  if (!template.includes('<<')) return template;
  let out = '';
  let last = 0;
  for (let match = nextPlaceholder(template, 0); match; match = nextPlaceholder(template, last)) {
    const start = match.index;
    const end = start + match[0].length;
    // `?? ''` as `join` did, for callers outside TypeScript that return nothing
    out += template.slice(last, start) + (render(match[1] ?? '') ?? '');
    last = end;
  }
  return last === 0 ? template : out + template.slice(last);
}

/** A dotted name is a variable path (`input.customerId`); anything else is a credential name. */
export function isVariablePath(name: string): boolean {
  return name.includes('.');
}

/**
 * Placeholder names used anywhere in a template value: a string, or a JSON-like value scanned
 * deeply (object values only: keys are literal). Unique, in order of first appearance. Pass
 * templates only, never credentials.
 */
export function listPlaceholders(template: unknown): string[] {
  const found = new Set<string>();
  const visit = (value: unknown): void => {
    if (typeof value === 'string') {
      for (const part of parseTemplate(value))
        if (part.kind === 'placeholder') found.add(part.name);
    } else if (Array.isArray(value)) {
      for (const item of value) visit(item);
    } else if (value !== null && typeof value === 'object') {
      for (const item of Object.values(value)) visit(item);
    }
  };
  visit(template);
  return [...found];
}
