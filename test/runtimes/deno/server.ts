import { createApp } from '../app/app.js';

// Deno's globals, as far as this entry uses them (the repository type-checks without Deno's types).
declare const Deno: {
  readonly version: { readonly deno: string };
  serve(
    options: { hostname: string; port: number; onListen: (address: { port: number }) => void },
    handler: (request: Request) => Response | Promise<Response>,
  ): unknown;
};

// Port 0: Deno picks a free one, and onListen tells the test which.
Deno.serve(
  {
    hostname: '127.0.0.1',
    port: 0,
    onListen: ({ port }) => console.log(`listening http://127.0.0.1:${port}`),
  },
  createApp({ version: Deno.version.deno }).fetch,
);
