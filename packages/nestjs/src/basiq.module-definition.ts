import type { BasiqClient } from '@basiq-token/core';
import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { DynamicModule, Provider } from '@nestjs/common';
import { BasiqService } from './basiq.service.js';
import { clientProvider, loggerProvider } from './client.providers.js';
import { createClientTokenController } from './client-token.controller.js';
import { getBasiqToken } from './inject.js';
import type { BasiqModuleExtras, BasiqModuleOptions } from './options.js';
import { registrationProviders, validName } from './registration.js';
import { BASIQ_LOGGER, BASIQ_MODULE_OPTIONS, getBasiqClientToken } from './tokens.js';

/**
 * Every registration keeps its providers in its own module (Nest scopes them so), and exports
 * them under its own tokens: the default one as `BasiqService` and `BASIQ_CLIENT` (plus the
 * logger, for a global `BasiqExceptionFilter`), a named one as `BasiqService("name")` and
 * `BasiqClient("name")` only, so it never shadows the default where both are imported.
 */
function defineBasiqModule(definition: DynamicModule, extras: BasiqModuleExtras): DynamicModule {
  const name = validName(extras.name);
  const clientToken = getBasiqClientToken(name);
  const serviceToken = getBasiqToken(name);
  const route =
    extras.clientTokenRoute === undefined
      ? undefined
      : createClientTokenController(extras.clientTokenRoute, clientToken);
  const service: Provider =
    name === undefined
      ? BasiqService
      : {
          provide: serviceToken,
          useFactory: (client: BasiqClient, options: BasiqModuleOptions) => new BasiqService(client, options),
          inject: [clientToken, BASIQ_MODULE_OPTIONS],
        };
  return {
    ...definition,
    global: extras.isGlobal ?? false,
    controllers: route === undefined ? [] : [route.controller],
    providers: [
      ...(definition.providers ?? []),
      ...registrationProviders({ id: Symbol(name ?? 'default'), name, routes: route?.routes ?? [] }),
      loggerProvider,
      clientProvider(clientToken),
      service,
    ],
    exports: name === undefined ? [serviceToken, clientToken, BASIQ_LOGGER] : [serviceToken, clientToken],
  };
}

export const {
  ConfigurableModuleClass: ConfigurableBasiqModule,
  OPTIONS_TYPE: BASIQ_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: BASIQ_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<BasiqModuleOptions>({ optionsInjectionToken: BASIQ_MODULE_OPTIONS })
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createBasiqOptions')
  .setExtras<BasiqModuleExtras>(
    { isGlobal: false, clientTokenRoute: undefined, name: undefined },
    defineBasiqModule,
  )
  .build();

/** What `BasiqModule.forRoot()` takes: module options plus {@link BasiqModuleExtras}. */
export type BasiqModuleForRootOptions = typeof BASIQ_OPTIONS_TYPE;
/** What `BasiqModule.forRootAsync()` takes: `imports`, `inject`, `useFactory`/`useClass`/`useExisting`, plus extras. */
export type BasiqModuleAsyncOptions = typeof BASIQ_ASYNC_OPTIONS_TYPE;
