import { describe, expect, it } from 'vitest';
import { BasiqConfigError, DEFAULT_CLIENT_TOKEN_METHOD, DEFAULT_CLIENT_TOKEN_PATH } from '@basiq-token/core';
import type { ClientTokenRouteOptions } from '@basiq-token/core';
import { validateClientTokenRouteOptions } from '@basiq-token/core/adapter';
import type { ValidateRouteOptionsSettings } from '@basiq-token/core/adapter';

const resolveUserId = () => 'user-1';

function configError(options: unknown, settings?: ValidateRouteOptionsSettings): BasiqConfigError {
  try {
    validateClientTokenRouteOptions(options as ClientTokenRouteOptions, settings);
  } catch (error) {
    expect(error).toBeInstanceOf(BasiqConfigError);
    expect((error as BasiqConfigError).code).toBe('invalid_options');
    return error as BasiqConfigError;
  }
  throw new Error('expected a BasiqConfigError');
}

describe('client-token route options', () => {
  it('defaults: POST, the object body, no path of its own', () => {
    const route = validateClientTokenRouteOptions({ resolveUserId });
    expect(route).toEqual({ resolveUserId, path: undefined, methods: ['POST'], body: 'object' });
    expect(DEFAULT_CLIENT_TOKEN_PATH).toBe('/basiq/client-token');
    expect(DEFAULT_CLIENT_TOKEN_METHOD).toBe('POST');
    expect(Object.isFrozen(route.methods)).toBe(true);
  });

  it('normalises method case, dedupes methods and adds the leading slash', () => {
    expect(validateClientTokenRouteOptions({ resolveUserId, method: 'get' }).methods).toEqual(['GET']);
    expect(
      validateClientTokenRouteOptions({ resolveUserId, methods: ['get', 'POST', 'GET'] }).methods,
    ).toEqual(['GET', 'POST']);
    expect(validateClientTokenRouteOptions({ resolveUserId, path: 'basiq/client-token' }).path).toBe(
      '/basiq/client-token',
    );
    expect(validateClientTokenRouteOptions({ resolveUserId, path: '/api/client-token' }).path).toBe(
      '/api/client-token',
    );
    expect(validateClientTokenRouteOptions({ resolveUserId, body: 'token' }).body).toBe('token');
  });

  it.each([
    ['not an object', undefined, 'options'],
    ['no resolveUserId', {}, 'resolveUserId'],
    ['a string resolveUserId', { resolveUserId: 'user-1' }, 'resolveUserId'],
    ['an empty path', { resolveUserId, path: ' ' }, 'path'],
    ['a numeric path', { resolveUserId, path: 7 }, 'path'],
    ['a path with a query', { resolveUserId, path: '/t?x=1' }, 'path'],
    ['a path with a newline', { resolveUserId, path: '/t\n' }, 'path'],
    ['PUT', { resolveUserId, method: 'PUT' }, 'method'],
    ['a numeric method', { resolveUserId, method: 1 }, 'method'],
    ['no methods', { resolveUserId, methods: [] }, 'methods'],
    ['a bad method in methods', { resolveUserId, methods: ['POST', 'DELETE'] }, 'methods'],
    ['methods not an array', { resolveUserId, methods: 'POST' }, 'methods'],
    ['both method and methods', { resolveUserId, method: 'POST', methods: ['GET'] }, 'methods'],
    ['an unknown body form', { resolveUserId, body: 'string' }, 'body'],
  ])('rejects %s naming the option', (_label, options, option) => {
    expect(configError(options).option).toBe(option);
  });

  it('names options under the adapter’s prefix', () => {
    const error = configError({ resolveUserId, method: 'DELETE' }, { optionPrefix: 'clientTokenRoute' });
    expect(error.option).toBe('clientTokenRoute.method');
    expect(error.message).toContain('clientTokenRoute.method');
    expect(configError(null, { optionPrefix: 'clientTokenRoute' }).option).toBe('clientTokenRoute');
  });

  it('lets an adapter that learns resolveUserId later leave it out, but never accept a non-function', () => {
    const route = validateClientTokenRouteOptions({ path: '/t' }, { requireResolveUserId: false });
    expect(route.resolveUserId).toBeUndefined();
    expect(
      configError({ resolveUserId: 42 }, { requireResolveUserId: false, optionPrefix: 'clientTokenRoute' })
        .option,
    ).toBe('clientTokenRoute.resolveUserId');
  });

  it('never echoes a long option value', () => {
    const secretish = 'x'.repeat(40) + 'SECRET';
    const error = configError({ resolveUserId, method: secretish });
    expect(error.message).not.toContain('SECRET');
    expect(error.message).not.toContain('x'.repeat(17));
  });
});
