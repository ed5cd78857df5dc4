/**
 * Scopes that ask for something other than a permission: an ID token and its claims (OpenID
 * Connect's `openid`, `profile`, `email`, `address`, `phone`) or a refresh token
 * (`offline_access`). Providers grant them without listing them in the token response's
 * `scope` (which names the API permissions), so they are never required of what was granted.
 */
export const NON_PERMISSION_SCOPES: readonly string[] = [
  'openid',
  'profile',
  'email',
  'address',
  'phone',
  'offline_access',
];

/** The scopes a connection must have been granted: `required` less those no provider reports. */
export function permissionScopes(
  required: readonly string[],
  unreported: readonly string[] = [],
): string[] {
  const skip = new Set([...NON_PERMISSION_SCOPES, ...unreported]);
  return [...new Set(required)].filter((scope) => !skip.has(scope));
}

/**
 * Scopes the integration needs that the provider did not grant. `granted` null means the token
 * response named no scope, which RFC 6749 §5.1 defines as "as requested": nothing is missing.
 * Identity and offline-access requests (and a template's own `unreportedScopes`) are never
 * missing. Scope values are case-sensitive (RFC 6749 §3.3), so they are compared exactly.
 */
export function scopesMissing(
  required: readonly string[],
  granted: readonly string[] | null,
  unreported: readonly string[] = [],
): string[] {
  if (granted === null) return [];
  const have = new Set(granted);
  return permissionScopes(required, unreported).filter((scope) => !have.has(scope));
}

/** True when the scopes ask for a refresh token the OpenID Connect way. */
export function asksOfflineAccess(scopes: readonly string[]): boolean {
  return scopes.includes('offline_access');
}
