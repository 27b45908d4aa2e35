/**
 * The Consent UI's actions; no action at all means "create a consent". The same list as core's
 * and the browser package's (test/basiq-constants.test.ts checks it).
 */
export const CONSENT_ACTIONS = ['connect', 'manage', 'extend', 'update', 'reauthorise'] as const;

export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;line-height:1.5}
code{background:#f3f3f3;padding:.1rem .3rem;border-radius:.2rem}.error{color:#a00}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

export interface ConsentPageInput {
  userId: string;
  action: string | undefined;
  state: string | undefined;
  institutionId: string | undefined;
  connectionId: string | undefined;
  expiresAt: Date;
  redirectUrl: string | undefined;
  jobId: string;
}

export function consentPage(input: ConsentPageInput): string {
  const row = (label: string, testId: string, value: string | undefined) =>
    value === undefined || value === ''
      ? ''
      : `<p>${label}: <code data-testid="${testId}">${escapeHtml(value)}</code></p>\n`;
  let finish = '';
  if (input.redirectUrl) {
    const target = new URL(input.redirectUrl);
    target.searchParams.set('jobIds', input.jobId);
    if (input.state) target.searchParams.set('state', input.state);
    finish = `<p><a data-testid="consent-finish" href="${escapeHtml(target.href)}">Finish and return to the app</a></p>\n`;
  }
  return page(
    'Basiq Consent (emulator)',
    `<h1>Basiq Consent UI</h1>
<p>This is the Basiq emulator's stand-in for <code>consent.basiq.io</code>: no bank is contacted.</p>
<p>Consent for user <code data-testid="consent-user">${escapeHtml(input.userId)}</code></p>
<p>Action: <code data-testid="consent-action">${escapeHtml(input.action || 'consent')}</code></p>
${row('State', 'consent-state', input.state)}${row('Institution', 'consent-institution', input.institutionId)}${row(
      'Connection',
      'consent-connection',
      input.connectionId,
    )}<p>Token valid until <time data-testid="consent-expires" datetime="${input.expiresAt.toISOString()}">${input.expiresAt.toISOString()}</time></p>
${finish}`,
  );
}

export function consentErrorPage(message: string): string {
  return page(
    'Basiq Consent (emulator): error',
    `<h1>Basiq Consent UI</h1>
<p class="error" data-testid="consent-error">${escapeHtml(message)}</p>`,
  );
}
