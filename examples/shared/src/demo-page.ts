/**
 * The browser demo (the same in every example): a page where a demo user signs in, presses "Connect your bank", and gets a
 * link to Basiq's Consent UI built from a CLIENT_ACCESS token. No build step and no external
 * assets: the HTML and its script are served from these strings.
 */

/** The user the Basiq emulator seeds (Basiq's own getUser sample), prefilled on the page. */
export const SEEDED_DEMO_USER_ID = '8cda72db-b11f-4b8e-a4ca-3c5b1de4e4b5';

/**
 * The page's Content-Security-Policy: its only script is the same-origin `/demo.js`, its only
 * requests go back to this app, and nothing may frame it. No inline script or style at all.
 */
export const DEMO_PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The demo page. `consentBaseUrl` (the Consent UI's base, e.g. `https://consent.basiq.io`) goes
 * into a `data-` attribute for the script; the page itself never holds a token.
 */
export function demoPageHtml(consentBaseUrl: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>basiq-token demo</title>
<script src="/demo.js" defer></script>
</head>
<body data-consent-base="${escapeHtml(consentBaseUrl)}">
<h1>basiq-token demo</h1>
<form id="sign-in">
<label>Demo user id <input name="userId" value="${SEEDED_DEMO_USER_ID}" size="40" autocomplete="off"></label>
<button type="submit">Sign in</button>
<button type="button" id="sign-out">Sign out</button>
</form>
<p id="who" role="status">Not signed in.</p>
<p><button type="button" id="connect">Connect your bank</button></p>
<p id="result" role="status" aria-live="polite"></p>
</body>
</html>
`;
}

/**
 * The page's script. The signed-in user lives only in this page (the `x-demo-user` header stands
 * in for a session cookie); the token comes from `POST /basiq/client-token` and only ever goes
 * into the Consent UI link.
 */
export const DEMO_SCRIPT = `'use strict';
const $ = (id) => document.getElementById(id);
let userId = '';

function signIn(id) {
  userId = id;
  $('who').textContent = id ? 'Signed in as ' + id + '.' : 'Not signed in.';
  $('result').replaceChildren();
}
$('sign-in').addEventListener('submit', (event) => {
  event.preventDefault();
  signIn(event.target.elements.userId.value.trim());
});
$('sign-out').addEventListener('click', () => signIn(''));

// The same URL as core's buildConsentUrl: <base>/home?token=<client token>.
function consentUrl(token) {
  const url = new URL(document.body.dataset.consentBase.replace(/\\/+$/, '') + '/home');
  url.searchParams.set('token', token);
  return url.href;
}

// Readable words for the route's stable error codes; any other code shows the server's message.
const MESSAGES = {
  unauthenticated: 'Sign in first: the app does not know who you are.',
  invalid_user_id: 'That is not a valid user id (1 to 64 letters, digits or hyphens).',
  token_budget_exhausted: 'Too many bank connections are being started right now.',
  basiq_rate_limited: 'Basiq is busy right now.',
  basiq_unavailable: 'Basiq is unavailable right now.',
  basiq_timeout: 'Basiq did not answer in time.',
};
function errorText(res, body) {
  const code = (body && body.error && body.error.code) || 'http_' + res.status;
  const retry = res.headers.get('retry-after');
  const text = MESSAGES[code] || (body && body.error && body.error.message) || 'Something went wrong.';
  return text + (retry ? ' Try again in ' + retry + ' s.' : '') + ' (' + res.status + ' ' + code + ')';
}

$('connect').addEventListener('click', async () => {
  const result = $('result');
  result.textContent = 'Asking the app for a Basiq client token…';
  try {
    const res = await fetch('/basiq/client-token', {
      method: 'POST',
      headers: userId ? { 'x-demo-user': userId } : {},
    });
    const body = await res.json().catch(() => undefined);
    if (!res.ok || !body || typeof body.access_token !== 'string') {
      result.textContent = errorText(res, body);
      return;
    }
    const link = document.createElement('a');
    link.id = 'consent-link';
    link.href = consentUrl(body.access_token);
    link.textContent = 'Open Basiq Consent UI';
    result.replaceChildren(link);
  } catch {
    result.textContent = 'The app could not be reached.';
  }
});
`;

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}
