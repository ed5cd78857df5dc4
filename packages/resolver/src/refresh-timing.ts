/**
 * When an access token is due for a refresh. A fixed margin (60 s by default) is right for
 * tokens that live an hour; for a token that lives 5 seconds it would make every run refresh
 * again a token another run obtained a moment ago, hammering the provider and, with rotating
 * refresh tokens, risking the grant. So a token is due when less than half its lifetime (at
 * most the margin) remains. A token without an expiry is never due: only a 401 refreshes it.
 */
export interface TokenTimes {
  expires_at: Date | null;
  /** When the current token was obtained; unknown for rows written before it was recorded. */
  token_obtained_at: Date | null;
}

/** How long before expiry the token is refreshed. */
export function refreshLeadMs(token: TokenTimes, marginMs: number): number {
  if (!token.expires_at || !token.token_obtained_at) return marginMs;
  const lifetime = token.expires_at.getTime() - token.token_obtained_at.getTime();
  return lifetime > 0 ? Math.min(marginMs, lifetime / 2) : marginMs;
}

/** The moment the token becomes due; null for tokens without an expiry. */
export function refreshDueAt(token: TokenTimes, marginMs: number): number | null {
  if (!token.expires_at) return null;
  return token.expires_at.getTime() - refreshLeadMs(token, marginMs);
}

export function isRefreshDue(token: TokenTimes, marginMs: number, now = Date.now()): boolean {
  const due = refreshDueAt(token, marginMs);
  return due !== null && now >= due;
}
