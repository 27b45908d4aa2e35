/**
 * Basiq lets a browser read a job's status and its user's consents with a CLIENT_ACCESS token,
 * cross-origin; those routes (and only those) answer CORS so a page can do it here too.
 */
const BROWSER_ROUTES = [/^\/jobs\/[^/]+$/, /^\/users\/[^/]+\/consents$/];

/** Whether a page on another origin may call this path. */
export function isBrowserRoute(path: string): boolean {
  return BROWSER_ROUTES.some((route) => route.test(path));
}

/** The preflight's answer headers (no credentials: the bearer token is a header, not a cookie). */
export const PREFLIGHT_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, OPTIONS',
  'access-control-allow-headers': 'authorization, basiq-version, accept, content-type',
  'access-control-max-age': '600',
};
