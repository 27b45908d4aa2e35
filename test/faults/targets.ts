/**
 * How each conformance driver's own error handling answers an error thrown by an app route, so
 * the matrix can check the exact status (and JSON code, where the app sends one) the caller got.
 */
import type * as core from '@basiq-token/core';
import { BasiqError, errorResponse } from '@basiq-token/core';
import type { AdapterDriver } from '../conformance/suite.js';
import { statusOf } from '../support/servers/server.js';

/** The status and, when the body is JSON with `error.code`, that code. */
export interface AppAnswer {
  status: number;
  code?: string;
}

/** The core package, as one copy of it is loaded (the sources, or a build). */
export type CoreModule = typeof core;

/** An adapter variant the matrix runs through. */
export interface FaultTarget {
  name: string;
  driver: AdapterDriver;
  /** What the app answers for `error` thrown by its route (its error handling, as the driver sets it up). */
  appAnswer(error: unknown): AppAnswer;
}

/**
 * Express, Hono and Fastify (the plugin in a scope of its own): the app (test/support/servers)
 * hands errors to the adapter's error handler, which answers core's `errorResponse` (status and
 * JSON code) for every `BasiqError`; anything else reaches the app's own handler: the error's own
 * HTTP status, else 500, and an `app_error` body.
 */
export function appHandlerAnswer(error: unknown): AppAnswer {
  if (error instanceof BasiqError) return coreAnswer(error);
  return { status: statusOf(error) ?? 500, code: 'app_error' };
}

/**
 * Koa: the adapter's `basiq()` middleware answers core's `errorResponse` (status and JSON code)
 * for every `BasiqError`; anything else reaches Koa's default handling: the error's own HTTP
 * status, else 500, as text.
 */
export function koaAnswer(error: unknown): AppAnswer {
  if (error instanceof BasiqError) return coreAnswer(error);
  return { status: statusOf(error) ?? 500 };
}

/**
 * Nest: the driver's filter hands Basiq errors to the adapter's `BasiqExceptionFilter`, which
 * answers core's `errorResponse` (status and JSON code); anything else is Nest's plain 500.
 */
export function nestAnswer(error: unknown): AppAnswer {
  if (!(error instanceof BasiqError)) return { status: 500 };
  return coreAnswer(error);
}

function coreAnswer(error: BasiqError): Required<AppAnswer> {
  const answer = errorResponse(error);
  return { status: answer.status, code: (answer.body as { error: { code: string } }).error.code };
}
