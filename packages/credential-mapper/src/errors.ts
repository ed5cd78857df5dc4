/**
 * Invariant: messages and fields hold placeholder names, credential NAMES and locations only.
 * No constructor here accepts a value, and no `cause` is attached (a URL parser's error would
 * quote the URL, secrets included).
 */
export type CredentialMappingErrorCode =
  /** A `<<placeholder>>` matched no credential and no variable. */
  | 'UNRESOLVED_PLACEHOLDER'
  /** A `<<placeholder>>` matched several credentials. */
  | 'AMBIGUOUS_PLACEHOLDER'
  /** The auth scheme needs a credential that is not there. */
  | 'UNRESOLVED_CREDENTIAL'
  /** The auth scheme (or the default placement) matched several credentials. */
  | 'AMBIGUOUS_CREDENTIAL'
  /** A header value would contain CR, LF or NUL (header injection). */
  | 'INVALID_HEADER_VALUE'
  | 'INVALID_HEADER_NAME'
  /** A credential cannot be placed where it goes (e.g. `:` in a Basic username). */
  | 'INVALID_CREDENTIAL_VALUE'
  /** A variable cannot be turned into text or JSON. */
  | 'INVALID_VARIABLE'
  | 'INVALID_URL'
  | 'INVALID_METHOD';

export interface CredentialMappingErrorDetails {
  /** The placeholder or credential name being resolved. */
  placeholder?: string;
  /** Credential names that could have matched (never values). */
  candidates?: readonly string[];
  /** Where it happened, e.g. `header:Authorization`, `url`, `auth:bearer`. */
  location?: string;
}

export class CredentialMappingError extends Error {
  override readonly name = 'CredentialMappingError';
  readonly code: CredentialMappingErrorCode;
  readonly placeholder: string | undefined;
  readonly candidates: readonly string[];
  readonly location: string | undefined;

  constructor(
    code: CredentialMappingErrorCode,
    message: string,
    details: CredentialMappingErrorDetails = {},
  ) {
    super(message);
    this.code = code;
    this.placeholder = details.placeholder;
    this.candidates = Object.freeze([...(details.candidates ?? [])]);
    this.location = details.location;
  }
}

const where = (location: string | undefined): string => (location ? ` in ${location}` : '');
const list = (names: readonly string[]): string => (names.length ? names.join(', ') : 'none');

export function unresolvedPlaceholder(
  placeholder: string,
  candidates: readonly string[],
  location?: string,
): CredentialMappingError {
  return new CredentialMappingError(
    'UNRESOLVED_PLACEHOLDER',
    `Placeholder <<${placeholder}>>${where(location)} matches no credential or variable ` +
      `(credentials available: ${list(candidates)})`,
    { placeholder, candidates, location },
  );
}

export function ambiguousPlaceholder(
  placeholder: string,
  candidates: readonly string[],
  location?: string,
): CredentialMappingError {
  return new CredentialMappingError(
    'AMBIGUOUS_PLACEHOLDER',
    `Placeholder <<${placeholder}>>${where(location)} is ambiguous: it matches credentials ` +
      `${list(candidates)}; rename one or use the exact name`,
    { placeholder, candidates, location },
  );
}

export function unresolvedCredential(
  name: string,
  candidates: readonly string[],
  location: string,
): CredentialMappingError {
  // An OAuth token is not something to type in: say how an integration gets one.
  const hint =
    location === 'auth:oauth2'
      ? '; connect the account first (oauth.authorizeUrl or a connect link), or give tokens in credentials'
      : '';
  return new CredentialMappingError(
    'UNRESOLVED_CREDENTIAL',
    `No credential for "${name}" needed by ${location} (credentials available: ${list(candidates)})${hint}`,
    { placeholder: name, candidates, location },
  );
}

export function ambiguousCredential(
  name: string,
  candidates: readonly string[],
  location: string,
): CredentialMappingError {
  return new CredentialMappingError(
    'AMBIGUOUS_CREDENTIAL',
    `Several credentials could be "${name}" for ${location}: ${list(candidates)}; ` +
      'declare the credential name in the auth scheme or use a placeholder',
    { placeholder: name, candidates, location },
  );
}
