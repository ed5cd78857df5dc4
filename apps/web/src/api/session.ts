/**
 * The signed-in API key. It lives in sessionStorage: gone when the tab closes, never in a URL,
 * a cookie or a log line. Components follow it through `subscribeToSession`.
 */
const STORAGE_KEY = 'latchkey.apiKey';
const listeners = new Set<() => void>();
let signOutReason: string | null = null;

function notify() {
  for (const listener of listeners) listener();
}

export function subscribeToSession(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function storedApiKey(): string | null {
  try {
    return sessionStorage.getItem(STORAGE_KEY);
  } catch {
    // Storage disabled (some private modes): the console cannot keep a session.
    return null;
  }
}

export function storeApiKey(apiKey: string): void {
  sessionStorage.setItem(STORAGE_KEY, apiKey);
  signOutReason = null;
  notify();
}

/** Signs out; `reason` is shown on the sign-in page (a revoked key, for instance). */
export function forgetApiKey(reason: string | null = null): void {
  sessionStorage.removeItem(STORAGE_KEY);
  signOutReason = reason;
  notify();
}

export function lastSignOutReason(): string | null {
  return signOutReason;
}
