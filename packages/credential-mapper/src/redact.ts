import { base64Encode, base64ToUrl, jsonEscape, jsonEscapeAscii, unpadBase64 } from './encoding';

/**
 * Invariant: for every secret of at least MIN_SECRET_LENGTH characters, the output of a redactor
 * contains none of `secretForms(secret)`. Shorter secrets are ignored, because replacing every
 * `a` or `42` in a log destroys it while protecting nothing (a 3-character secret is guessable
 * anyway); the mapper still places them, it just cannot hide them.
 */
export const REDACTED = '[REDACTED]';
export const MIN_SECRET_LENGTH = 4;

const UPPER_HEX = /%[0-9A-F]{2}/g;

/** Whether `JSON.stringify` escapes anything in it: `"`, `\`, control characters, surrogates. */
function needsJsonEscape(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x22 || code === 0x5c || code < 0x20 || (code >= 0xd800 && code <= 0xdfff)) {
      return true;
    }
  }
  return false;
}

function hasNonAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return true;
  return false;
}

/** Characters `encodeURIComponent` leaves as they are (and so do `encodeURI` and form encoding). */
function isUnreserved(code: number): boolean {
  return (
    (code >= 0x61 && code <= 0x7a) || // a-z
    (code >= 0x41 && code <= 0x5a) || // A-Z
    (code >= 0x30 && code <= 0x39) || // 0-9
    code === 0x2d || // -
    code === 0x5f || // _
    code === 0x2e || // .
    code === 0x21 || // !
    code === 0x7e || // ~
    code === 0x2a || // *
    code === 0x27 || // '
    code === 0x28 || // (
    code === 0x29 // )
  );
}

function allUnreserved(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (!isUnreserved(text.charCodeAt(i))) return false;
  return true;
}

function tryEncode(encode: (text: string) => string, text: string): string | undefined {
  try {
    return encode(text);
  } catch {
    return undefined; // lone surrogates cannot be percent-encoded, so that form cannot occur
  }
}

const lowerHex = (hex: string): string => hex.toLowerCase();

function addForm(out: Set<string>, form: string | undefined, minLength: number): void {
  if (form !== undefined && form.length > 0 && form.length >= minLength) out.add(form);
}

/**
 * Adds the forms of `secret` (see `secretForms`) to `out`, in the order `secretForms` lists them.
 * Forms equal to the raw secret are only computed when they can differ from it, since mapping
 * computes them for every credential it places.
 */
function addSecretForms(secret: string, out: Set<string>, minLength: number): void {
  addForm(out, secret, minLength);
  if (!allUnreserved(secret)) {
    const percent = tryEncode(encodeURIComponent, secret);
    addForm(out, percent, minLength);
    if (percent?.includes('%')) addForm(out, percent.replace(UPPER_HEX, lowerHex), minLength);
    // formEncode(secret), from the percent form it is made of
    if (percent?.includes('%20')) addForm(out, percent.replace(/%20/g, '+'), minLength);
    addForm(out, tryEncode(encodeURI, secret), minLength);
  }
  const base64 = base64Encode(secret);
  addForm(out, base64, minLength);
  addForm(out, unpadBase64(base64), minLength);
  addForm(out, base64ToUrl(base64), minLength);
  if (needsJsonEscape(secret)) {
    const json = jsonEscape(secret);
    addForm(out, json, minLength);
    if (hasNonAscii(json)) addForm(out, jsonEscapeAscii(secret), minLength);
  } else if (hasNonAscii(secret)) {
    addForm(out, jsonEscapeAscii(secret), minLength);
  }
}

/**
 * A secret as it can appear in text: raw, percent-encoded (upper and lower-case hex, and the
 * lenient `encodeURI` form), form-encoded (`+` for spaces), base64 (padded, unpadded, url-safe),
 * and JSON-escaped (plain and ASCII-only). Basic auth pairs are passed as `user:password` so their
 * base64 form is covered too.
 */
export function secretForms(secret: string): string[] {
  const forms = new Set<string>();
  addSecretForms(secret, forms, 1);
  return [...forms];
}

const longestFirst = (a: string, b: string): number =>
  b.length - a.length || (a < b ? -1 : a > b ? 1 : 0);

/** Secrets and all their forms, deduplicated, longest first (so a longer form wins a match). */
export function expandSecrets(secrets: Iterable<string>, minLength = MIN_SECRET_LENGTH): string[] {
  const all = new Set<string>();
  for (const secret of secrets) {
    if (secret.length < minLength) continue;
    addSecretForms(secret, all, minLength);
  }
  return sortLongestFirst([...all]);
}

/**
 * Insertion sort for the few forms of one mapping, which `Array.prototype.sort` would copy into
 * scratch space first; the order is total on distinct strings, so the result is the same.
 */
function sortLongestFirst(list: string[]): string[] {
  if (list.length > 32) return list.sort(longestFirst);
  for (let i = 1; i < list.length; i++) {
    const item = list[i] as string;
    let j = i - 1;
    while (j >= 0 && longestFirst(list[j] as string, item) > 0) {
      list[j + 1] = list[j] as string;
      j--;
    }
    list[j + 1] = item;
  }
  return list;
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
