import type { RequestListener } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import { afterAll } from 'vitest';
import { runLocalOnlyChecks } from '../../shared/test/local-only.js';
import { createApp } from '../src/app.js';

// Nest apps are created asynchronously; each test's listener waits for its app, closed at the end.
const apps: INestApplication[] = [];
afterAll(async () => {
  for (const app of apps.splice(0)) await app.close();
});

function nestListener(app: Promise<INestApplication>): RequestListener {
  const ready = app.then((nest) => {
    apps.push(nest);
    return nest.getHttpAdapter().getInstance() as RequestListener;
  });
  return (req, res) => {
    void ready.then((listener) => listener(req, res));
  };
}

runLocalOnlyChecks('nestjs', {
  createListener: (client) => nestListener(createApp({ basiq: { client }, logger: false })),
  main: 'examples/nestjs/src/main.ts',
});
