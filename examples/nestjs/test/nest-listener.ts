import type { RequestListener } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import { afterAll } from 'vitest';
import type { BasiqClient } from '@basiq-token/core';
import { createApp } from '../src/app.js';

/**
 * The example's app around `client` as a request listener at once, as the shared example checks
 * want one: a Nest app is created asynchronously, so the listener waits for it (answering 500
 * saying why if it failed to start). Every app made is closed after the calling file's tests
 * (the checks close the clients they gave).
 */
export function useNestListeners(): (client: BasiqClient) => RequestListener {
  const apps: INestApplication[] = [];
  afterAll(async () => {
    for (const app of apps.splice(0)) await app.close();
  });
  return (client) => {
    const ready = createApp({ basiq: { client }, logger: false }).then((nest) => {
      apps.push(nest);
      return nest.getHttpAdapter().getInstance() as RequestListener;
    });
    return (req, res) => {
      ready.then(
        (listener) => listener(req, res),
        (error: unknown) => {
          res.statusCode = 500;
          res.end(`the Nest app failed to start: ${error instanceof Error ? error.message : String(error)}`);
        },
      );
    };
  };
}
