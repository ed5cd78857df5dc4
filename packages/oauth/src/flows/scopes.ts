/**
 * Scopes the integration needs that the provider did not grant. `granted` null means the token
 * response named no scope, which RFC 6749 §5.1 defines as "as requested": nothing is missing.
 * Scope values are case-sensitive (RFC 6749 §3.3), so they are compared exactly.
 */
export function scopesMissing(
  required: readonly string[],
  granted: readonly string[] | null,
): string[] {
  if (granted === null) return [];
  const have = new Set(granted);
  return [...new Set(required)].filter((scope) => !have.has(scope));
}
