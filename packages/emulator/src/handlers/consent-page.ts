import { CONSENT_ACTIONS, consentErrorPage, consentPage } from '../consent.js';
import { html, type Reply } from '../http.js';
import type { HandlerRequest, World } from '../world.js';

/** `GET /consent/home`: the stand-in for consent.basiq.io, opened with a CLIENT_ACCESS token. */
export async function getConsentPage(request: HandlerRequest, world: World): Promise<Reply> {
  const { query } = request;
  const token = query.get('token');
  if (!token) return html(401, consentErrorPage('The token query parameter is missing.'));
  const check = await world.tokens.check(token);
  if (!check.ok) {
    return html(
      401,
      consentErrorPage(check.reason === 'expired' ? 'Token has expired' : 'Invalid authorization token.'),
    );
  }
  if (check.scope !== 'CLIENT_ACCESS' || check.userId === undefined) {
    return html(401, consentErrorPage('The Consent UI needs a CLIENT_ACCESS token.'));
  }
  const action = query.get('action') ?? '';
  if (action !== '' && !(CONSENT_ACTIONS as readonly string[]).includes(action)) {
    return html(
      400,
      consentErrorPage(`Unknown action "${action}"; expected none or one of ${CONSENT_ACTIONS.join(', ')}.`),
    );
  }
  const param = (name: string) => query.get(name) ?? undefined;
  const institutionId = param('institutionId');
  // No bank to wait on: the job the redirect names is finished by the time the app asks for it.
  const job = world.bank.completeConsent(
    check.userId,
    institutionId !== undefined && /^[A-Z]{2}\d{5}$/.test(institutionId) ? institutionId : undefined,
    world.jobPendingReads,
  );
  return html(
    200,
    consentPage({
      userId: check.userId,
      action: action || undefined,
      state: param('state'),
      institutionId,
      connectionId: param('connectionId'),
      expiresAt: new Date(check.exp * 1000),
      redirectUrl: world.consentRedirectUrl,
      jobId: job.id,
    }),
  );
}
