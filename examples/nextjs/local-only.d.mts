import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';

/** Next's request handler behind the examples' Host check; see local-only.mjs. */
export function localOnly(
  handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
): RequestListener;
