import { misdirectedAnswer } from '@basiq-token/example-shared';

/**
 * Next's request handler behind the examples' Host check (DNS rebinding): a request addressed
 * to any name but this server's own loopback address gets the shared 421 JSON answer, before Next
 * or Basiq see it. A failure Next did not answer itself becomes a bare 500 JSON.
 */
export function localOnly(handle) {
  return (req, res) => {
    const refused = misdirectedAnswer(req);
    if (refused) {
      res.writeHead(refused.status, {
        ...refused.headers,
        'content-type': 'application/json; charset=utf-8',
      });
      res.end(JSON.stringify(refused.body));
      return;
    }
    handle(req, res).catch((error) => {
      console.error('Request failed:', error instanceof Error ? error.name : typeof error);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify({ error: { code: 'internal_error', message: 'Something went wrong.' } }));
    });
  };
}
