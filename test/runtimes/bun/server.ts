import { createApp } from '../app/app.js';

// Bun's globals, as far as this entry uses them (the repository type-checks without bun-types).
declare const Bun: {
  readonly version: string;
  serve(options: {
    hostname: string;
    port: number;
    fetch: (request: Request) => Response | Promise<Response>;
  }): { readonly port: number };
};

// Port 0: Bun picks a free one, and the line below tells the test which.
const server = Bun.serve({
  hostname: '127.0.0.1',
  port: 0,
  fetch: createApp({ version: Bun.version }).fetch,
});
console.log(`listening http://127.0.0.1:${server.port}`);
