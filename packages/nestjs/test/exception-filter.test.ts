import { Controller, Get, HttpException, Inject, Module } from '@nestjs/common';
import { APP_FILTER, HttpAdapterHost } from '@nestjs/core';
import { describe, expect, it } from 'vitest';
import { BasiqExceptionFilter, BasiqModule, BasiqService } from '@basiq-token/nestjs';
import { CapturingLogger, nestFixtures, SEEDED_USER_ID } from './support.js';
import type { Platform } from './support.js';

const { emulator, start } = nestFixtures();

@Controller()
class AppController {
  constructor(@Inject(BasiqService) private readonly basiq: BasiqService) {}

  @Get('user')
  async user(): Promise<unknown> {
    return (await this.basiq.http.get(`/users/${SEEDED_USER_ID}`)).data;
  }

  @Get('teapot')
  teapot(): never {
    throw new HttpException({ brewing: true }, 418);
  }
}

describe.each<Platform>(['express', 'fastify'])('BasiqExceptionFilter on %s', (platform) => {
  for (const registration of ['APP_FILTER', 'useGlobalFilters'] as const) {
    it(`maps core errors from app routes to core's JSON answers (${registration})`, async () => {
      const logs = new CapturingLogger();
      @Module({
        imports: [
          BasiqModule.forRoot({
            apiKey: emulator().apiKey,
            baseUrl: emulator().url,
            retry: { retries: 0 },
          }),
        ],
        controllers: [AppController],
        providers:
          registration === 'APP_FILTER' ? [{ provide: APP_FILTER, useClass: BasiqExceptionFilter }] : [],
      })
      class AppModule {}
      const { url } = await start(AppModule, {
        platform,
        logger: logs,
        setup: (app) => {
          if (registration === 'useGlobalFilters') {
            app.useGlobalFilters(new BasiqExceptionFilter(app.get(HttpAdapterHost)));
          }
        },
      });

      emulator().injectFault({ path: '/token', status: 503, times: 5 });
      const down = await fetch(`${url}/user`);
      const text = await down.text();
      expect(down.status, text).toBe(503);
      expect(down.headers.get('content-type')).toMatch(/^application\/json/);
      expect(down.headers.get('cache-control')).toBe('no-store');
      // Nest's Express platform replies through res.json, which would add one.
      expect(down.headers.get('etag')).toBeNull();
      expect(JSON.parse(text)).toEqual({ error: { code: 'basiq_unavailable', message: expect.any(String) } });
      expect(text).not.toContain(emulator().apiKey);
      // The operator's side of the story goes to Nest's log, under the Basiq context.
      expect(logs.lines.some((line) => line.context === 'Basiq' && line.level === 'warn')).toBe(true);

      emulator().clearFaults();
      expect((await fetch(`${url}/user`)).status).toBe(200);
      // Anything that is not a Basiq error keeps Nest's handling.
      const teapot = await fetch(`${url}/teapot`);
      expect(teapot.status).toBe(418);
      expect(await teapot.json()).toEqual({ brewing: true });
    });
  }
});
