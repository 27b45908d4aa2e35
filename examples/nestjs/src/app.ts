import type { INestApplication, LoggerService, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { BasiqModuleOptions } from '@basiq-token/nestjs';
import { localHostOnly } from '@basiq-token/example-shared';
import { AppModule } from './app.module.js';

export { AppModule } from './app.module.js';

/** What the demo app is made of. */
export interface AppOptions {
  /** Basiq options (key and base URL), or `{ client }` to use a client the caller owns. */
  basiq: BasiqModuleOptions;
  /** Nest's logger setting (default: warnings and errors only, so the demo's own lines stand out). */
  logger?: LoggerService | LogLevel[] | false;
}

/** The demo app (the examples' HTTP contract) on NestJS with Express, initialised but not listening. */
export async function createApp({
  basiq,
  logger = ['error', 'warn'],
}: AppOptions): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot(basiq),
    new ExpressAdapter(),
    {
      logger,
      // A bad option must surface as an error the caller can report, not a process abort.
      abortOnError: false,
    },
  );
  app.disable('x-powered-by');
  // Before Nest's routes (registered by init): only requests addressed to this server's own
  // address (DNS rebinding).
  app.use(localHostOnly);
  await app.init();
  return app;
}
