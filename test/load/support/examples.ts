import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { BasiqClient, Logger } from '@basiq-token/core';
import { createApp as createExpressApp } from '../../../examples/express/src/app.js';
import { createApp as createKoaApp } from '../../../examples/koa/src/app.js';
import { createApp as createNestApp } from '../../../examples/nestjs/src/app.js';
import type { RunningApp } from '../../conformance/suite.js';
import { running } from '../../support/servers/server.js';

/** One example app, started from its own `createApp` factory around a client the test owns. */
export interface ExampleApp {
  name: string;
  start(client: BasiqClient, logger: Logger): Promise<RunningApp>;
}

/** The three demo apps of examples/, as their factories build them. */
export const EXAMPLES: readonly ExampleApp[] = [
  {
    name: 'express',
    start: (client, logger) => running(createExpressApp({ client, logger }).listen(0, '127.0.0.1')),
  },
  {
    name: 'koa',
    start: (client, logger) =>
      running(createServer(createKoaApp({ client, logger }).callback()).listen(0, '127.0.0.1')),
  },
  {
    name: 'nestjs',
    async start(client) {
      // Nest logs through its own logger (off here); Basiq errors reach its BasiqExceptionFilter.
      const app = await createNestApp({ basiq: { client, logger: false }, logger: false });
      await app.listen(0, '127.0.0.1');
      const started = await running(app.getHttpServer() as Server);
      return { url: started.url, close: () => app.close() };
    },
  },
];
