/**
 * The browser demo (the same in every example): a page where a demo user signs in, presses
 * "Connect your bank", goes to Basiq's Consent UI with a CLIENT_ACCESS token, comes back with the
 * job's id and watches the job finish. Its script uses `@basiq-token/browser`, served by the
 * example at `/basiq-browser.js`; no build step and no external assets.
 */
import { SEED_USER_ID } from '@basiq-token/emulator';
import { BASIQ_BROWSER_SCRIPT_PATH } from './browser-bundle.js';

/** The user the Basiq emulator seeds (Basiq's own getUser sample), prefilled on the page. */
export const SEEDED_DEMO_USER_ID = SEED_USER_ID;

/**
 * The page's Content-Security-Policy: its only scripts are the same-origin `/demo.js` and
 * `/basiq-browser.js`, its only requests go back to this app and, given `basiqBaseUrl`, to
 * Basiq's API (the job status, read with the client token), and nothing may frame it. No inline
 * script or style at all.
 */
export function demoPageCsp(basiqBaseUrl?: string): string {
  const basiq = basiqBaseUrl ? ` ${new URL(basiqBaseUrl).origin}` : '';
  return [
    "default-src 'none'",
    "script-src 'self'",
    `connect-src 'self'${basiq}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** {@link demoPageCsp} without Basiq's API: the page can connect, but not read the job status. */
export const DEMO_PAGE_CSP = demoPageCsp();

/**
 * The demo page. `consentBaseUrl` (the Consent UI's base, e.g. `https://consent.basiq.io`) and
 * `basiqBaseUrl` (Basiq's API, for the job status) go into `data-` attributes for the script;
 * the page itself never holds a token. It is also where the Consent UI sends the user back
 * (`/?jobIds=…&state=…`).
 */
export function demoPageHtml(consentBaseUrl: string, basiqBaseUrl?: string): string {
  const basiq = basiqBaseUrl ? ` data-basiq-base="${escapeHtml(basiqBaseUrl)}"` : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>basiq-token demo</title>
<script type="module" src="/demo.js"></script>
</head>
<body data-consent-base="${escapeHtml(consentBaseUrl)}"${basiq}>
<h1>basiq-token demo</h1>
<form id="sign-in">
<label>Demo user id <input name="userId" value="${SEEDED_DEMO_USER_ID}" size="40" autocomplete="off"></label>
<button type="submit">Sign in</button>
<button type="button" id="sign-out">Sign out</button>
</form>
<p id="who" role="status">Not signed in.</p>
<p><button type="button" id="connect">Connect your bank</button></p>
<p id="result" role="status" aria-live="polite"></p>
<p id="job" role="status" aria-live="polite"></p>
</body>
</html>
`;
}

/**
 * The page's script, an ES module over `@basiq-token/browser`. The signed-in user id stands in
 * for a session cookie (the `x-demo-user` header) and is kept in sessionStorage so it survives
 * the trip to the Consent UI; the client token lives only in the library's memory.
 */
export const DEMO_SCRIPT = `import {
  ConsentRedirectError,
  JobTimeoutError,
  createBasiqBrowser,
  jobOutcome,
} from '${BASIQ_BROWSER_SCRIPT_PATH}';

const $ = (id) => document.getElementById(id);
const USER_KEY = 'basiq-token-demo:user';
let userId = sessionStorage.getItem(USER_KEY) || '';

const basiq = createBasiqBrowser({
  tokenUrl: '/basiq/client-token',
  headers: () => (userId ? { 'x-demo-user': userId } : {}),
  consentBaseUrl: document.body.dataset.consentBase,
  ...(document.body.dataset.basiqBase ? { basiqBaseUrl: document.body.dataset.basiqBase } : {}),
});

function signIn(id) {
  userId = id;
  if (id) sessionStorage.setItem(USER_KEY, id);
  else sessionStorage.removeItem(USER_KEY);
  // Another user must never get the previous one's token.
  basiq.clearToken();
  $('who').textContent = id ? 'Signed in as ' + id + '.' : 'Not signed in.';
  $('result').replaceChildren();
  $('job').replaceChildren();
}
$('sign-in').addEventListener('submit', (event) => {
  event.preventDefault();
  signIn(event.target.elements.userId.value.trim());
});
$('sign-out').addEventListener('click', () => signIn(''));
if (userId) {
  $('sign-in').elements.userId.value = userId;
  $('who').textContent = 'Signed in as ' + userId + '.';
}

// Readable words for the route's stable error codes; any other code shows the server's message.
const MESSAGES = {
  unauthenticated: 'Sign in first: the app does not know who you are.',
  invalid_user_id: 'That is not a valid user id (1 to 64 letters, digits or hyphens).',
  token_budget_exhausted: 'Too many bank connections are being started right now.',
  basiq_rate_limited: 'Basiq is busy right now.',
  basiq_unavailable: 'Basiq is unavailable right now.',
  basiq_timeout: 'Basiq did not answer in time.',
  network_error: 'The app could not be reached.',
  timeout: 'The app did not answer in time.',
};
function errorText(error) {
  const code = (error && error.code) || 'error';
  const text = MESSAGES[code] || (error && error.serverMessage) || 'Something went wrong.';
  const retry = error && error.retryAfterSeconds;
  const status = error && error.status !== undefined ? error.status + ' ' : '';
  return text + (retry ? ' Try again in ' + retry + ' s.' : '') + ' (' + status + code + ')';
}

$('connect').addEventListener('click', async () => {
  const result = $('result');
  result.textContent = 'Asking the app for a Basiq client token…';
  try {
    await basiq.openConsent();
    result.textContent = 'Opening the Basiq Consent UI…';
  } catch (error) {
    result.textContent = errorText(error);
  }
});

// Back from the Consent UI (/?jobIds=…&state=…): only with a state this page issued.
async function followJob(jobId) {
  const job = $('job');
  job.dataset.outcome = 'pending';
  job.textContent = 'Checking job ' + jobId + '…';
  const steps = (status) => status.steps.map((step) => step.title + ': ' + step.status).join(', ');
  try {
    const done = await basiq.waitForJob(jobId, {
      intervalMs: 1000,
      timeoutMs: 60000,
      onUpdate: (status) => (job.textContent = 'Job ' + jobId + ' (' + steps(status) + ')'),
    });
    const outcome = jobOutcome(done);
    job.dataset.outcome = outcome;
    job.textContent =
      (outcome === 'success' ? 'Bank connected. ' : 'The connection failed. ') +
      'Job ' + jobId + ' (' + steps(done) + ')';
  } catch (error) {
    job.dataset.outcome = 'error';
    job.textContent =
      error instanceof JobTimeoutError
        ? 'Job ' + jobId + ' is still running; look again later.'
        : 'Could not read job ' + jobId + ': ' + ((error && error.message) || error);
  }
}
try {
  const back = basiq.handleRedirect();
  if (back && !back.ok) {
    $('result').textContent = 'The Consent UI sent you back with an error: ' + back.error + '.';
  } else if (back) {
    $('result').textContent = 'Back from the Basiq Consent UI.';
    if (back.jobIds[0]) void followJob(back.jobIds[0]);
  }
} catch (error) {
  if (!(error instanceof ConsentRedirectError)) throw error;
  $('result').textContent = 'Ignored a link back from Basiq that this page did not start. (' + error.code + ')';
}
`;

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}
