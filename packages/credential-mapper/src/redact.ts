import {
  base64Encode,
  base64UrlEncode,
  encodeComponent,
  formEncode,
  jsonEscape,
  jsonEscapeAscii,
} from './encoding';

/**
 * Invariant: for every secret of at least MIN_SECRET_LENGTH characters, the output of a redactor
 * contains none of `secretForms(secret)`. Shorter secrets are ignored, because replacing every
 * `a` or `42` in a log destroys it while protecting nothing (a 3-character secret is guessable
 * anyway); the mapper still places them, it just cannot hide them.
 */
export const REDACTED = '[REDACTED]';
export const MIN_SECRET_LENGTH = 4;

function attempt(encode: () => string): string | undefined {
  try {
    return encode();
  } catch {
    return undefined; // lone surrogates cannot be percent-encoded, so that form cannot occur
  }
}

/**
 * A secret as it can appear in text: raw, percent-encoded (upper and lower-case hex, and the
 * lenient `encodeURI` form), form-encoded (`+` for spaces), base64 (padded, unpadded, url-safe),
 * and JSON-escaped (plain and ASCII-only). Basic auth pairs are passed as `user:password` so their
 * base64 form is covered too.
 */
export function secretForms(secret: string): string[] {
  const percent = attempt(() => encodeComponent(secret));
  const forms = [
    secret,
    percent,
    percent?.replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase()),
    attempt(() => formEncode(secret)),
    attempt(() => encodeURI(secret)),
    base64Encode(secret),
    base64Encode(secret).replace(/=+$/, ''),
    base64UrlEncode(secret),
    jsonEscape(secret),
    jsonEscapeAscii(secret),
  ];
  return [...new Set(forms.filter((f): f is string => f !== undefined && f.length > 0))];
}

/** Secrets and all their forms, deduplicated, longest first (so a longer form wins a match). */
export function expandSecrets(secrets: Iterable<string>, minLength = MIN_SECRET_LENGTH): string[] {
  const all = new Set<string>();
  for (const secret of secrets) {
    if (secret.length < minLength) continue;
    for (const form of secretForms(secret)) if (form.length >= minLength) all.add(form);
  }
  return [...all].sort((a, b) => b.length - a.length || (a < b ? -1 : a > b ? 1 : 0));
}

export interface Redactor {
  /** Replaces every secret form in a string. */
  redactString(text: string): string;
  /** Deep copy of a JSON-like value (strings, arrays, plain objects, keys too) with secrets redacted. */
  redact<T>(value: T): T;
  /**
   * Any thrown value as plain data fit for logs and run history: name, redacted message and a
   * string `code` if it has one. No stack (it repeats the message and reveals internals).
   */
  redactError(error: unknown): RedactedError;
}

export interface RedactedError {
  name: string;
  message: string;
  code?: string;
}

export interface RedactorOptions {
  /** Defaults to `[REDACTED]`. */
  replacement?: string;
  /** Secrets shorter than this are ignored; defaults to MIN_SECRET_LENGTH. */
  minLength?: number;
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Builds a redactor for a list of secrets (raw values, or the mapper's `secrets` list, which
 * already holds their forms; forms are derived again either way).
 */
export function createRedactor(secrets: Iterable<string>, options: RedactorOptions = {}): Redactor {
  const replacement = options.replacement ?? REDACTED;
  const forms = expandSecrets(secrets, options.minLength ?? MIN_SECRET_LENGTH);
  const pattern = forms.length ? new RegExp(forms.map(escapeRegExp).join('|'), 'g') : undefined;

  const redactString = (text: string): string => {
    if (!pattern) return text;
    // Replacing can create a new occurrence across a boundary (secret `TED]x` in `TED]xx`), so
    // repeat until stable; if that does not converge quickly, fail closed.
    let out = text;
    for (let round = 0; round < 8; round++) {
      const next = out.replace(pattern, replacement);
      if (next === out) return out;
      out = next;
    }
    pattern.lastIndex = 0;
    return pattern.test(out) ? replacement : out;
  };

  const redactDeep = (value: unknown, seen: WeakMap<object, unknown>): unknown => {
    if (typeof value === 'string') return redactString(value);
    if (value === null || typeof value !== 'object') return value;
    const done = seen.get(value);
    if (done !== undefined) return done;
    if (Array.isArray(value)) {
      const out: unknown[] = [];
      seen.set(value, out);
      for (const item of value) out.push(redactDeep(item, seen));
      return out;
    }
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return value; // Dates, Maps: not JSON data
    const out: Record<string, unknown> = {};
    seen.set(value, out);
    for (const [key, item] of Object.entries(value)) {
      // defineProperty: a `__proto__` key must stay data, not become the prototype
      Object.defineProperty(out, redactString(key), {
        value: redactDeep(item, seen),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  };

  const redactError = (error: unknown): RedactedError => {
    if (!(error instanceof Error)) return { name: 'Error', message: redactString(String(error)) };
    const code = (error as { code?: unknown }).code;
    return {
      name: redactString(error.name),
      message: redactString(error.message),
      ...(typeof code === 'string' ? { code: redactString(code) } : {}),
    };
  };

  return {
    redactString,
    // The copy has the same shape as the input, only strings change.
    redact: <T>(value: T): T => redactDeep(value, new WeakMap()) as T,
    redactError,
  };
}
