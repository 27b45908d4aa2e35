/**
 * NestJS's app is the conformance suite's Nest driver (test/conformance/nest-driver.ts: one
 * NestJS major and platform, described by a kit, so Nest 11 from its fixture project runs the
 * same app). This makes it a server factory like the others, and holds the Nest 12 kits.
 */
import * as common from '@nestjs/common';
import * as core from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import * as basiq from '@basiq-token/nestjs';
import type { BasiqModuleAsyncOptions, BasiqModuleForRootOptions } from '@basiq-token/nestjs';
import type { BasiqClient, BasiqOptions } from '@basiq-token/core';
import { isBasiqClient } from '@basiq-token/core/adapter';
import { nestDriver } from '../../conformance/nest-driver.js';
import type { NestKit } from '../../conformance/nest-driver.js';
import type { ServerFactory } from './server.js';

/** The Nest 12 kit (from the root) on one platform, configuring BasiqModule one way. */
export function nest12Kit(
  platform: 'express' | 'fastify',
  configure: NestKit['configure'],
): () => Promise<NestKit> {
  return async () => ({
    common,
    core,
    basiq,
    createHttpAdapter: () => (platform === 'express' ? new ExpressAdapter() : new FastifyAdapter()),
    configure,
  });
}

/** The app on the kit's NestJS; `app.close()` closes the client when the module made it from options. */
export function nestServer(loadKit: () => Promise<NestKit>): ServerFactory {
  return {
    async start({ client, onError = () => undefined, ...options }) {
      const kit = await loadKit();
      const driver = nestDriver(async () => (isBasiqClient(client) ? kit : givenOptions(kit, client)));
      // With options, the kit's module below takes them in place of the client it is handed.
      return driver.start({ ...options, client: client as BasiqClient, onError });
    },
  };
}

/**
 * The kit with a BasiqModule that is given `basiqOptions` instead of the driver's `client`, so the
 * module makes its own client (and closes it on app.close()), as an app configured by options does.
 */
function givenOptions(kit: NestKit, basiqOptions: BasiqOptions): NestKit {
  const { BasiqModule } = kit.basiq;
  const byOptions = {
    forRoot: ({ client: _client, ...extras }: BasiqModuleForRootOptions) =>
      BasiqModule.forRoot({ ...basiqOptions, ...extras }),
    forRootAsync: ({ useFactory: _useFactory, ...extras }: BasiqModuleAsyncOptions) =>
      BasiqModule.forRootAsync({ ...extras, useFactory: () => basiqOptions }),
  };
  return { ...kit, basiq: { ...kit.basiq, BasiqModule: byOptions as unknown as typeof BasiqModule } };
}
