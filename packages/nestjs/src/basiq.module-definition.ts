import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { BasiqService } from './basiq.service.js';
import { clientProvider, loggerProvider } from './client.providers.js';
import { createClientTokenController } from './client-token.controller.js';
import type { BasiqModuleExtras, BasiqModuleOptions } from './options.js';
import { BASIQ_CLIENT, BASIQ_LOGGER, BASIQ_MODULE_OPTIONS } from './tokens.js';

function defineBasiqModule(definition: DynamicModule, extras: BasiqModuleExtras): DynamicModule {
  return {
    ...definition,
    global: extras.isGlobal ?? false,
    controllers:
      extras.clientTokenRoute === undefined ? [] : [createClientTokenController(extras.clientTokenRoute)],
    providers: [...(definition.providers ?? []), loggerProvider, clientProvider, BasiqService],
    exports: [BasiqService, BASIQ_CLIENT, BASIQ_LOGGER],
  };
}

export const {
  ConfigurableModuleClass: ConfigurableBasiqModule,
  OPTIONS_TYPE: BASIQ_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: BASIQ_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<BasiqModuleOptions>({ optionsInjectionToken: BASIQ_MODULE_OPTIONS })
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createBasiqOptions')
  .setExtras<BasiqModuleExtras>({ isGlobal: false, clientTokenRoute: undefined }, defineBasiqModule)
  .build();

/** What `BasiqModule.forRoot()` takes: module options plus {@link BasiqModuleExtras}. */
export type BasiqModuleForRootOptions = typeof BASIQ_OPTIONS_TYPE;
/** What `BasiqModule.forRootAsync()` takes: `imports`, `inject`, `useFactory`/`useClass`/`useExisting`, plus extras. */
export type BasiqModuleAsyncOptions = typeof BASIQ_ASYNC_OPTIONS_TYPE;
