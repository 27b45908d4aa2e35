/**
 * How each conformance driver's own error handling answers an error thrown by an app route, so
 * the matrix can check the exact status (and JSON code, where the app sends one) the caller got.
 */
import * as sourceCore from '@basiq-token/core';
import type { AdapterDriver } from '../conformance/suite.js';
import { statusOf } from '../conformance/support/listen.js';

/** The status and, when the body is JSON with `error.code`, that code. */
export interface AppAnswer {
  status: number;
  code?: string;
}

/** The core package, as one copy of it is loaded. */
export type CoreModule = typeof sourceCore;

/** An adapter variant the matrix runs through. */
export interface FaultTarget {
  name: string;
  driver: AdapterDriver;
  /** What the app answers for `error` thrown by its route (its error handling, as the driver sets it up). */
  appAnswer(error: unknown): AppAnswer;
}

/**
 * The Express driver's error middleware: the error's own HTTP status, else 500, and a fixed
 * `app_error` JSON body.
 */
export function expressAnswer(error: unknown): AppAnswer {
  return { status: statusOf(error) ?? 500, code: 'app_error' };
}

/**
 * Koa's default error handling: the error's `status` (the Koa adapter gives Basiq errors the one
 * core's `errorResponse` chooses), else 500; the body is text, not JSON.
 */
export function koaAnswer(error: unknown): AppAnswer {
  return { status: statusOf(error) ?? 500 };
}

/**
 * Nest: the driver's filter hands errors of the core the suite's client comes from to the
 * adapter's `BasiqExceptionFilter`, which answers its own core's `errorResponse`; anything else
 * is Nest's plain 500. `adapterCore` is the copy of core the adapter loads: the sources for Nest
 * 12, the CommonJS build in the Nest 11 project for Nest 11.
 */
export function nestAnswer(adapterCore: () => CoreModule = () => sourceCore): (error: unknown) => AppAnswer {
  return (error) => {
    if (!(error instanceof sourceCore.BasiqError)) return { status: 500 };
    const answer = adapterCore().errorResponse(error);
    return { status: answer.status, code: (answer.body as { error: { code: string } }).error.code };
  };
}
