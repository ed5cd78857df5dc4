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

/** Standard base64 (with padding) of the UTF-8 bytes of `text`. */
export function base64Encode(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const b1 = bytes[i + 1];
    const b2 = bytes[i + 2];
    const n = ((bytes[i] ?? 0) << 16) | ((b1 ?? 0) << 8) | (b2 ?? 0);
    out += ALPHABET.charAt((n >> 18) & 63) + ALPHABET.charAt((n >> 12) & 63);
    out += b1 === undefined ? '=' : ALPHABET.charAt((n >> 6) & 63);
    out += b2 === undefined ? '=' : ALPHABET.charAt(n & 63);
  }
  return out;
}

/** base64url without padding (JWTs, some webhooks). */
export function base64UrlEncode(text: string): string {
  return base64Encode(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
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
