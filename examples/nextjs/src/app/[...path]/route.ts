import { json } from '../../lib/relay.js';

export const dynamic = 'force-dynamic';

// Any other path answers the other examples' JSON 404 rather than Next's HTML page.
function notFound(request: Request): Response {
  const { pathname } = new URL(request.url);
  return json(404, { error: { code: 'not_found', message: `No route for ${request.method} ${pathname}` } });
}

export { notFound as GET, notFound as POST, notFound as PUT, notFound as PATCH, notFound as DELETE };
