import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import {
  BasiqApiError,
  BasiqRateLimitError,
  BasiqTokenError,
  createBasiqClient,
  errorResponse,
} from '@basiq-token/core';
import type { BasiqClient, Logger } from '@basiq-token/core';
import { basiq, basiqErrorHandler } from '@basiq-token/express';

const OPTIONS = { apiKey: 'test-key', baseUrl: 'http://127.0.0.1:9', logger: false as const };

/** An app whose route throws what `errors[path]` makes, then `handler`, then a recording fallback. */
function appThrowing(
  handler: ReturnType<typeof basiqErrorHandler>,
  errors: Record<string, () => unknown>,
  seen: unknown[],
) {
  const app = express();
  app.get('/:what', (req: Request<{ what: string }>, _res, next) => next(errors[req.params.what]!()));
  app.use(handler);
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    seen.push(error);
    res.status(418).json({ fallback: true });
  });
  return app;
}

describe('@basiq-token/express basiqErrorHandler()', () => {
  const clients: BasiqClient[] = [];
  afterEach(async () => {
    for (const client of clients.splice(0)) await client.close();
  });

  it("answers Basiq errors with core's errorResponse: a refused data call is 502, never Basiq's status", async () => {
    const seen: unknown[] = [];
    const lines: string[] = [];
    const logger: Logger = { warn: (m) => lines.push(m), error: (m) => lines.push(m) };
    const refused = (status: number) => () =>
      new BasiqApiError(status, {
        correlationId: 'corr-9',
        data: [{ code: 'access-denied', title: 'Forbidden', detail: 'Token has expired' }],
      });
    const app = appThrowing(
      basiqErrorHandler({ logger }),
      {
        '401': refused(401),
        '403': refused(403),
        '404': refused(404),
        budget: () => new BasiqRateLimitError('over', { retryAfterMs: 3_000 }),
        timeout: () => new BasiqTokenError('basiq_timeout', 'slow'),
      },
      seen,
    );
    for (const status of ['401', '403', '404']) {
      const res = await request(app).get(`/${status}`);
      const core = errorResponse(refused(Number(status))());
      expect(res.status).toBe(502);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(res.headers.etag).toBeUndefined();
      expect(res.body).toEqual(core.body);
      expect(res.body).toEqual({ error: { code: 'basiq_api_error', message: 'Basiq refused the request.' } });
      expect(res.text).not.toMatch(/access-denied|Forbidden|expired|corr-9/);
    }
    expect(lines).toHaveLength(3);
    expect(lines[1]).toBe(
      'basiq-token: a request to Basiq failed: Basiq answered 403 access-denied (correlationId corr-9); answered 502',
    );
    const budget = await request(app).get('/budget');
    expect([budget.status, budget.headers['retry-after'], budget.body.error.code]).toEqual([
      429,
      '3',
      'token_budget_exhausted',
    ]);
    expect((await request(app).get('/timeout')).status).toBe(504);
    expect(seen).toEqual([]);
  });

  it('passes any other error on to next(err), untouched', async () => {
    const seen: unknown[] = [];
    const appError = Object.assign(new Error('app bug'), { status: 401 });
    const app = appThrowing(basiqErrorHandler(), { app: () => appError, text: () => 'a string' }, seen);
    const res = await request(app).get('/app');
    expect([res.status, res.body]).toEqual([418, { fallback: true }]);
    expect((await request(app).get('/text')).status).toBe(418);
    expect(seen).toEqual([appError, 'a string']);
  });

  it('leaves a Basiq error to next(err) once the response has started', async () => {
    const seen: unknown[] = [];
    const app = express();
    app.get('/', (_req, res, next) => {
      res.status(200).write('partial');
      next(new BasiqTokenError('basiq_timeout', 'slow'));
    });
    app.use(basiqErrorHandler());
    app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
      seen.push(error);
      res.end();
    });
    const res = await request(app).get('/');
    expect([res.status, res.text]).toEqual([200, 'partial']);
    expect(seen).toHaveLength(1);
  });

  it("is on the middleware as errorHandler(), answering a failing req.basiq call after Express's own routes", async () => {
    const lines: string[] = [];
    const logger: Logger = { warn: (m) => lines.push(m), error: (m) => lines.push(m) };
    const client = createBasiqClient({ ...OPTIONS, logger, retry: { retries: 0 } });
    clients.push(client);
    const middleware = basiq(client);
    const app = express();
    app.use(middleware);
    app.get('/token', (req, res, next) => {
      // Nothing listens on port 9: no server token to be had.
      req.basiq.getServerToken().then(() => res.end(), next);
    });
    app.use(middleware.errorHandler());
    const res = await request(app).get('/token');
    expect(res.status).toBe(502);
    expect(res.body.error.code).toBe('basiq_network_error');
    expect(res.headers['cache-control']).toBe('no-store');
    // Logged through the client's own logger, as the client-token route is.
    expect(lines.filter((l) => l.includes('answered 502 basiq_network_error'))).toHaveLength(1);
  });
});
