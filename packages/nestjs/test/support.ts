import type { AddressInfo } from 'node:net';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { INestApplication, INestApplicationContext, LoggerService, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { startEmulator } from '@basiq-token/emulator';
import type { BasiqEmulator } from '@basiq-token/emulator';
import { afterAll, afterEach, beforeAll } from 'vitest';

export { SEED_USER_ID as SEEDED_USER_ID } from '@basiq-token/emulator';

export type Platform = 'express' | 'fastify';

export interface Started {
  app: INestApplication;
  url: string;
}

/**
 * Per-file fixtures: one emulator, and every app started through `start()` closed after each test.
 * Apps listen on 127.0.0.1 port 0 and are driven over real HTTP.
 */
export function nestFixtures(): {
  emulator: () => BasiqEmulator;
  start: (
    module: Type,
    opts?: { platform?: Platform; logger?: LoggerService | false; setup?: (app: INestApplication) => void },
  ) => Promise<Started>;
  track: (app: INestApplicationContext) => void;
} {
  let emulator: BasiqEmulator;
  const apps: INestApplicationContext[] = [];
  beforeAll(async () => {
    emulator = await startEmulator({ tokenLifetimeSec: 3600 });
  });
  afterAll(async () => {
    await emulator?.stop();
  });
  afterEach(async () => {
    for (const app of apps.splice(0).reverse()) await app.close();
    emulator.clearFaults();
    emulator.resetCounters();
  });
  return {
    emulator: () => emulator,
    track: (app) => apps.push(app),
    async start(module, { platform = 'express', logger = false, setup } = {}) {
      const adapter = platform === 'fastify' ? new FastifyAdapter() : new ExpressAdapter();
      const app = await NestFactory.create(module, adapter, { logger, abortOnError: false });
      apps.push(app);
      setup?.(app);
      await app.listen(0, '127.0.0.1');
      const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
      return { app, url: `http://127.0.0.1:${port}` };
    },
  };
}

/** Fast retries: tests exercise failures without waiting on production backoffs. */
export const FAST_RETRY = { retries: 1, minDelayMs: 1, maxDelayMs: 5 };

/** A Nest LoggerService that keeps what it is told, with its context. */
export class CapturingLogger implements LoggerService {
  readonly lines: Array<{ level: string; message: string; context: unknown }> = [];
  log(message: unknown, context?: unknown): void {
    this.lines.push({ level: 'log', message: String(message), context });
  }
  warn(message: unknown, context?: unknown): void {
    this.lines.push({ level: 'warn', message: String(message), context });
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.lines.push({ level: 'error', message: String(message), context: rest.at(-1) });
  }
  debug(message: unknown, context?: unknown): void {
    this.lines.push({ level: 'debug', message: String(message), context });
  }
  verbose(message: unknown, context?: unknown): void {
    this.lines.push({ level: 'verbose', message: String(message), context });
  }
}

/** What a {@link recordingProxy} saw: each request's method, path and `Authorization`. */
export interface SeenRequest {
  method: string;
  path: string;
  authorization: string | undefined;
}

/**
 * A loopback HTTP proxy in front of `target` that writes down every request's `Authorization`,
 * to see exactly what reached one emulator (the client under test cannot vouch for itself).
 */
export async function recordingProxy(
  target: string,
): Promise<{ url: string; seen: SeenRequest[]; close: () => Promise<void> }> {
  const seen: SeenRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', path: req.url ?? '', authorization: req.headers.authorization });
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) {
        if (typeof value === 'string' && !['host', 'connection', 'content-length'].includes(name)) {
          headers.set(name, value);
        }
      }
      const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
      fetch(`${target}${req.url ?? '/'}`, { method: req.method, headers, body, redirect: 'manual' })
        .then(async (answer) => {
          const text = Buffer.from(await answer.arrayBuffer());
          const type = answer.headers.get('content-type');
          res.writeHead(answer.status, type ? { 'content-type': type } : {});
          res.end(text);
        })
        .catch(() => {
          res.writeHead(502);
          res.end();
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
