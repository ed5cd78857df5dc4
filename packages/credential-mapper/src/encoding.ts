/**
 * Encodings for each place a value can go. Pure functions with no Node built-ins, so the package
 * also runs in Temporal's workflow sandbox and in the browser.
 */

/** Percent-encoding for one URL component (userinfo, host label, path segment, query value). */
export function encodeComponent(value: string): string {
  // Throws URIError on lone surrogates; callers turn that into a CredentialMappingError.
  return encodeURIComponent(value);
}

/** application/x-www-form-urlencoded: percent-encoding with `+` for spaces. */
export function formEncode(value: string): string {
  return encodeComponent(value).replace(/%20/g, '+');
}

const IPV6 = /^[0-9a-f:.]+$/i;

/** A host goes in as a percent-encoded label, or in brackets when it is an IPv6 literal. */
export function encodeHost(value: string): string {
  if (value.startsWith('[') && value.endsWith(']') && IPV6.test(value.slice(1, -1))) return value;
  if (value.includes(':') && IPV6.test(value)) return `[${value}]`;
  return encodeComponent(value);
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const ALPHABET_CODES = Array.from(ALPHABET, (c) => c.charCodeAt(0));
const PAD = 61; // '='
const UTF8 = new TextEncoder();

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

/**
 * The platform's base64 of Latin-1 text (browsers, Node): for ASCII text, which is its own UTF-8,
 * it is the same result with far less garbage. Absent in some sandboxes, hence the fallback.
 */
const nativeBtoa: ((data: string) => string) | undefined =
  typeof globalThis.btoa === 'function' ? globalThis.btoa.bind(globalThis) : undefined;

/** Standard base64 (with padding) of the UTF-8 bytes of `text`. */
export function base64Encode(text: string): string {
  const ascii = isAscii(text);
  if (ascii && nativeBtoa) return nativeBtoa(text);
  // ASCII text is its own UTF-8, so it is read as char codes, without the byte copy.
  const bytes = ascii ? undefined : UTF8.encode(text);
  const length = bytes ? bytes.length : text.length;
  const byteAt = (i: number): number => (bytes ? (bytes[i] ?? 0) : text.charCodeAt(i));
  // One array of char codes and one string, instead of a concatenation per character.
  const codes = new Array<number>(Math.ceil(length / 3) * 4);
  let o = 0;
  for (let i = 0; i < length; i += 3) {
    const rest = length - i;
    const n =
      (byteAt(i) << 16) | (rest > 1 ? byteAt(i + 1) << 8 : 0) | (rest > 2 ? byteAt(i + 2) : 0);
    codes[o++] = ALPHABET_CODES[(n >> 18) & 63] ?? PAD;
    codes[o++] = ALPHABET_CODES[(n >> 12) & 63] ?? PAD;
    codes[o++] = rest > 1 ? (ALPHABET_CODES[(n >> 6) & 63] ?? PAD) : PAD;
    codes[o++] = rest > 2 ? (ALPHABET_CODES[n & 63] ?? PAD) : PAD;
  }
  return codesToString(codes);
}

const CHUNK = 8192; // stays far below the engine's limit on arguments

function codesToString(codes: number[]): string {
  if (codes.length <= CHUNK) return String.fromCharCode.apply(null, codes);
  let out = '';
  for (let i = 0; i < codes.length; i += CHUNK) {
    out += String.fromCharCode.apply(null, codes.slice(i, i + CHUNK));
  }
  return out;
}

/** base64url without padding (JWTs, some webhooks). */
export function base64UrlEncode(text: string): string {
  return base64ToUrl(base64Encode(text));
}

/** Padded base64 without its trailing `=`. */
export function unpadBase64(base64: string): string {
  return base64.endsWith('=') ? base64.replace(/=+$/, '') : base64;
}

/** Padded base64 to base64url (`-` and `_`, no padding). */
export function base64ToUrl(base64: string): string {
  const unpadded = unpadBase64(base64);
  return /[+/]/.test(unpadded) ? unpadded.replace(/\+/g, '-').replace(/\//g, '_') : unpadded;
}

/** The `Authorization` value for HTTP Basic (RFC 7617). */
export function basicAuthorization(username: string, password: string): string {
  return `Basic ${base64Encode(`${username}:${password}`)}`;
}

/** The text between the quotes of `JSON.stringify(value)`. */
export function jsonEscape(value: string): string {
  return JSON.stringify(value).slice(1, -1);
}

/** JSON escaping with every non-ASCII code unit as `\uXXXX` (Python's `ensure_ascii`, etc.). */
export function jsonEscapeAscii(value: string): string {
  return jsonEscape(value).replace(
    /[\u0080-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** CR or LF would start a new header line (header injection); NUL is rejected by most stacks. */
export function isSafeHeaderValue(value: string): boolean {
  return !/[\r\n\0]/.test(value);
}

/** RFC 9110 token. */
export function isValidHeaderName(name: string): boolean {
  return /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name);
}
