/**
 * The client-token route's description is core's: every adapter takes the same options and
 * rejects the same mistake with the same `BasiqConfigError` (code, option and message), when the
 * route is created (Express, Koa) or the module defined (Nest), never on a request.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { BasiqConfigError, createBasiqClient } from '@basiq-token/core';
import { clientTokenRoute as expressRoute } from '@basiq-token/express';
import { clientTokenRoute as koaRoute } from '@basiq-token/koa';
import { BasiqModule } from '@basiq-token/nestjs';

const resolveUserId = () => 'user-1';

const MISTAKES: ReadonlyArray<[string, unknown]> = [
  ['no options object', null],
  ['no resolveUserId', {}],
  ['a resolveUserId that is not a function', { resolveUserId: 'user-1' }],
  ['an empty path', { resolveUserId, path: '' }],
  ['a path with a query', { resolveUserId, path: '/basiq/client-token?user=1' }],
  ['a misspelt method', { resolveUserId, method: 'PSOT' }],
  ['a method Basiq tokens are never minted on', { resolveUserId, method: 'DELETE' }],
  ['an empty methods list', { resolveUserId, methods: [] }],
  ['both method and methods', { resolveUserId, method: 'POST', methods: ['GET'] }],
  ['an unknown body form', { resolveUserId, body: 'text' }],
];

function failure(create: () => unknown): BasiqConfigError {
  try {
    create();
  } catch (error) {
    expect(error).toBeInstanceOf(BasiqConfigError);
    return error as BasiqConfigError;
  }
  throw new Error('expected a BasiqConfigError');
}

function described(error: BasiqConfigError) {
  return { code: error.code, option: error.option, message: error.message };
}

describe('client-token route options', () => {
  const client = createBasiqClient({ apiKey: 'test-key', baseUrl: 'http://127.0.0.1:9', logger: false });
  afterAll(() => client.close());

  it.each(MISTAKES)('the same BasiqConfigError from every adapter for %s', (_label, options) => {
    const express = failure(() => expressRoute(client, options as never));
    const koa = failure(() => koaRoute(client, options as never));
    const nest = failure(() =>
      BasiqModule.forRoot({ apiKey: 'test-key', clientTokenRoute: options as never }),
    );
    expect(express.code).toBe('invalid_options');
    expect(express.option).toMatch(/^clientTokenRoute\b/);
    expect(described(koa)).toEqual(described(express));
    expect(described(nest)).toEqual(described(express));
  });

  it('takes the same well-formed options everywhere', () => {
    const options = {
      resolveUserId,
      path: '/basiq/client-token',
      methods: ['get', 'POST'],
      body: 'token',
    } as const;
    expect(typeof expressRoute(client, options)).toBe('function');
    expect(typeof koaRoute(client, options)).toBe('function');
    expect(BasiqModule.forRoot({ apiKey: 'test-key', clientTokenRoute: options }).controllers).toHaveLength(
      1,
    );
  });
});
