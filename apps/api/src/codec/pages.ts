/**
 * The codec's few HTML pages: sign in, signed in, signed out. No scripts, no external assets.
 * Links and forms are relative (`session`, `logout`, `login`), so they work wherever a proxy
 * mounts the api.
 */

const escapeMap: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => escapeMap[c] ?? c);
}

/**
 * No scripts, no framing, forms post only back to this api. `same-origin`, not `no-referrer`:
 * under `no-referrer` a browser sends `Origin: null` even on a page's post to its own origin,
 * which the CSRF check must refuse; `same-origin` keeps the origin on our own posts and sends
 * nothing (no path, no query) to other origins.
 */
export const PAGE_SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-frame-options': 'DENY',
  'referrer-policy': 'same-origin',
};

/**
 * The Temporal UI settings that make it send the session cookie, word for word as the UI (2.x)
 * labels them. The cluster-level endpoint that `temporal server start-dev --ui-codec-endpoint`
 * sets never includes credentials, and no flag changes that: the browser-level setting does.
 */
export const TEMPORAL_UI_CODEC_STEPS = {
  button: 'Codec Server',
  browserSetting: 'Use my browser setting and ignore Cluster-level setting.',
  endpointField: 'Codec Server browser endpoint',
  credentials: 'Include cross-origin credentials',
  apply: 'Apply',
} as const;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body { font: 16px/1.5 system-ui, sans-serif; margin: 0; padding: 2rem; color: #111; background: #fff; }
main { max-width: 34rem; margin: 0 auto; }
label { display: block; font-weight: 600; margin-top: 1rem; }
input { display: block; width: 100%; box-sizing: border-box; font: inherit; padding: .5rem; margin-top: .25rem; border: 1px solid #555; border-radius: 4px; }
button { font: inherit; margin-top: 1rem; padding: .5rem 1rem; border: 1px solid #111; border-radius: 4px; background: #111; color: #fff; cursor: pointer; }
input:focus-visible, button:focus-visible { outline: 3px solid #1a73e8; outline-offset: 2px; }
.hint { color: #444; font-size: .9rem; margin: .25rem 0 0; }
.error { color: #a50e0e; font-weight: 600; }
code { background: #f1f1f1; padding: 0 .25rem; border-radius: 3px; }
</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

export function loginPage(error?: string): string {
  const describedBy = error ? 'api-key-hint login-error' : 'api-key-hint';
  return page(
    'Sign in to the Latchkey codec',
    `<h1>Sign in to the Latchkey codec</h1>
<p>The Temporal UI shows a tenant's decoded workflow payloads, with secrets redacted, to an
operator signed in here with one of that tenant's API keys.</p>
${error ? `<p class="error" id="login-error" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="session">
<label for="api-key">API key</label>
<input id="api-key" name="apiKey" type="password" required autocomplete="off" spellcheck="false" aria-describedby="${describedBy}"${error ? ' aria-invalid="true"' : ''}>
<p class="hint" id="api-key-hint">A key with the <code>codec</code> or <code>admin</code> scope. It is
checked, not stored: your browser keeps a signed session cookie for 8 hours.</p>
<button type="submit">Sign in</button>
</form>`,
  );
}

export interface SignedInPageOptions {
  /** The codec endpoint to give the Temporal UI: this api's origin and base path. */
  endpoint: string;
  expiresAt: Date;
  temporalUiUrl?: string;
}

export function signedInPage(options: SignedInPageOptions): string {
  const { endpoint, expiresAt, temporalUiUrl } = options;
  const steps = TEMPORAL_UI_CODEC_STEPS;
  const ui = temporalUiUrl
    ? `<a href="${escapeHtml(temporalUiUrl)}">the Temporal UI</a>`
    : 'the Temporal UI';
  return page(
    'Signed in to the Latchkey codec',
    `<h1>Signed in</h1>
<p role="status">Your codec session lasts until <time datetime="${expiresAt.toISOString()}">${escapeHtml(expiresAt.toUTCString())}</time>.</p>
<p>Once per browser, in ${ui}:</p>
<ol>
<li>Open the <strong>${steps.button}</strong> settings: the button at the top right, beside the time zone.</li>
<li>Choose <strong>${escapeHtml(steps.browserSetting)}</strong></li>
<li>Set the <strong>${steps.endpointField}</strong> to <code>${escapeHtml(endpoint)}</code>.</li>
<li>Turn on <strong>${steps.credentials}</strong> and click <strong>${steps.apply}</strong>.</li>
</ol>
<p>Payloads of your tenant then show decoded, with secret-looking fields redacted; other
tenants' stay encrypted.</p>
<form method="post" action="logout">
<button type="submit">Sign out</button>
</form>`,
  );
}

export function signedOutPage(): string {
  return page(
    'Signed out of the Latchkey codec',
    `<h1>Signed out</h1>
<p role="status">This browser no longer has a codec session.</p>
<p><a href="login">Sign in again</a></p>`,
  );
}
