import { BasiqConfigError, DEFAULT_CLIENT_TOKEN_PATH } from '@basiq-token/core';
import type { ClientTokenMethod } from '@basiq-token/core';
import type { Provider } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { BASIQ_REGISTRATION } from './tokens.js';

/** What one `forRoot()`/`forRootAsync()` call registered, as the bootstrap check compares it. */
export interface Registration {
  /** This registration's own identity (a value Nest may wrap still reads the same). */
  id: symbol;
  /** `undefined` for the default registration. */
  name: string | undefined;
  /** `METHOD /path` of each route it mounts. */
  routes: string[];
}

const NAME = /^[A-Za-z0-9][\w.:-]{0,63}$/;

/** A registration name must be short and plain: it becomes part of injection tokens and errors. */
export function validName(name: unknown): string | undefined {
  if (name === undefined) return undefined;
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new BasiqConfigError(
      'name must be 1-64 letters, digits, ".", "_", ":" or "-", starting with a letter or digit ' +
        '(leave it out for the default registration)',
      { option: 'name' },
    );
  }
  return name;
}

/** `METHOD /path` keys of a mounted route, the path without its outer slashes as Nest joins it. */
export function routeKeys(path: string | undefined, methods: readonly ClientTokenMethod[]): string[] {
  const normalised = (path ?? DEFAULT_CLIENT_TOKEN_PATH).replace(/^\/+|\/+$/g, '');
  return methods.map((method) => `${method} /${normalised}`);
}

/**
 * The registration's record and its check. Nest keeps each registration's providers in its own
 * module, so a second `name` would silently shadow the first wherever both are imported; the
 * check reads every module of the app (only Nest's container knows them) and refuses a name
 * or a route path used twice, before any client is made.
 */
export function registrationProviders(registration: Registration): Provider[] {
  return [
    { provide: BASIQ_REGISTRATION, useValue: registration },
    {
      provide: REGISTRATION_CHECKED,
      useFactory: (modules: ModulesContainer): true => {
        checkRegistrations(registration, modules);
        return true;
      },
      inject: [ModulesContainer],
    },
  ];
}

/** Resolved before the client, so a clash fails the bootstrap before any client is made. */
export const REGISTRATION_CHECKED: unique symbol = Symbol('BASIQ_REGISTRATION_CHECKED');

function checkRegistrations(own: Registration, modules: ModulesContainer): void {
  const others: Registration[] = [];
  for (const module of modules.values()) {
    const registration = module.providers.get(BASIQ_REGISTRATION)?.instance as Registration | undefined;
    if (registration !== undefined && registration.id !== own.id) others.push(registration);
  }
  if (own.name !== undefined && others.some((other) => other.name === own.name)) {
    throw new BasiqConfigError(
      `BasiqModule is registered twice with name "${own.name}": each name may be used once in an app ` +
        '(import that one registration wherever it is needed, or make it isGlobal)',
      { option: 'name' },
    );
  }
  for (const route of own.routes) {
    const other = others.find((registration) => registration.routes.includes(route));
    if (other !== undefined) {
      throw new BasiqConfigError(
        `the client-token route ${route} is mounted by both ${label(own)} and ${label(other)} ` +
          'BasiqModule registrations: give each its own clientTokenRoute.path',
        { option: 'clientTokenRoute.path' },
      );
    }
  }
}

function label(registration: Registration): string {
  return registration.name === undefined ? 'the default' : `the "${registration.name}"`;
}
