import { Controller, Get, Inject, Module } from '@nestjs/common';
import { HealthCheck, HealthCheckService, TerminusModule } from '@nestjs/terminus';
import { BasiqConfigError } from '@basiq-token/core';
import { describe, expect, it } from 'vitest';
import { BasiqModule, BasiqService, getBasiqToken } from '@basiq-token/nestjs';
import { BasiqHealthIndicator } from '@basiq-token/nestjs/terminus';
import { FAST_RETRY, nestFixtures } from './support.js';

const { emulator, start } = nestFixtures();

/** Readiness as an app writes it with Terminus: the default registration and, if asked, `sandbox`. */
@Controller('readyz')
class ReadinessController {
  static names: Array<string | undefined> = [undefined];
  constructor(
    @Inject(HealthCheckService) private readonly health: HealthCheckService,
    @Inject(BasiqHealthIndicator) private readonly basiq: BasiqHealthIndicator,
  ) {}

  @Get()
  @HealthCheck()
  check() {
    return this.health.check(
      ReadinessController.names.map(
        (name) => () => this.basiq.isHealthy(name ?? 'basiq', name === undefined ? {} : { name }),
      ),
    );
  }
}

interface Answer {
  status: string;
  info: Record<string, { status: string }>;
  error: Record<string, { status: string }>;
  details: Record<
    string,
    {
      status: string;
      ready: boolean;
      serverToken: { held: boolean; phase: string; lastFailure?: { code: string } };
    }
  >;
}

async function probe(url: string): Promise<{ status: number; text: string; body: Answer }> {
  const res = await fetch(`${url}/readyz`);
  const text = await res.text();
  return { status: res.status, text, body: JSON.parse(text) as Answer };
}

function appWith(...registrations: ReturnType<typeof BasiqModule.forRoot>[]) {
  @Module({
    imports: [TerminusModule, ...registrations],
    controllers: [ReadinessController],
    providers: [BasiqHealthIndicator],
  })
  class AppModule {}
  return AppModule;
}

describe('@basiq-token/nestjs/terminus: BasiqHealthIndicator', () => {
  it("is down until warmed up, up after, and probes never call Basiq's /token", async () => {
    ReadinessController.names = [undefined];
    const { app, url } = await start(
      appWith(BasiqModule.forRoot({ apiKey: emulator().apiKey, baseUrl: emulator().url, logger: false })),
    );

    const cold = await probe(url);
    expect(cold.status).toBe(503);
    expect(cold.body.status).toBe('error');
    expect(cold.body.error.basiq).toMatchObject({
      status: 'down',
      ready: false,
      serverToken: { held: false, phase: 'none' },
    });
    expect(emulator().counters.tokenCalls).toBe(0);

    await app.get(BasiqService).warmUp();
    for (let i = 0; i < 5; i += 1) {
      const warm = await probe(url);
      expect(warm.status).toBe(200);
      expect(warm.body.status).toBe('ok');
      expect(warm.body.info.basiq).toMatchObject({
        status: 'up',
        ready: true,
        serverToken: { held: true, phase: 'fresh' },
      });
    }
    expect(emulator().counters.tokenCalls).toBe(1);
  });

  it('is down with a wrong key, with the failure in core’s health and no secret', async () => {
    ReadinessController.names = [undefined];
    const wrongKey = `${emulator().apiKey.slice(0, -4)}AAAA`;
    const { app, url } = await start(
      appWith(
        BasiqModule.forRoot({ apiKey: wrongKey, baseUrl: emulator().url, logger: false, retry: FAST_RETRY }),
      ),
    );
    await expect(app.get(BasiqService).warmUp()).rejects.toMatchObject({ code: 'basiq_configuration' });

    const answer = await probe(url);
    expect(answer.status).toBe(503);
    expect(answer.body.details.basiq).toMatchObject({
      status: 'down',
      ready: false,
      serverToken: { held: false, lastFailure: { code: 'basiq_configuration' } },
    });
    expect(answer.text).not.toContain(wrongKey);
    expect(answer.text).not.toContain(emulator().apiKey);
  });

  it('reports each named registration on its own', async () => {
    ReadinessController.names = [undefined, 'sandbox'];
    const { app, url } = await start(
      appWith(
        BasiqModule.forRoot({ apiKey: emulator().apiKey, baseUrl: emulator().url, logger: false }),
        BasiqModule.forRoot({
          name: 'sandbox',
          apiKey: `${emulator().apiKey.slice(0, -4)}AAAA`,
          baseUrl: emulator().url,
          logger: false,
          retry: FAST_RETRY,
        }),
      ),
    );
    await app.get(BasiqService).warmUp();
    await expect(app.get<BasiqService>(getBasiqToken('sandbox')).warmUp()).rejects.toBeInstanceOf(
      BasiqConfigError,
    );

    const answer = await probe(url);
    expect(answer.status).toBe(503);
    expect(answer.body.info.basiq?.status).toBe('up');
    expect(answer.body.error.sandbox?.status).toBe('down');
    for (const token of emulator().issuedTokens()) expect(answer.text).not.toContain(token);
  });

  it('names a registration it cannot find', async () => {
    ReadinessController.names = [undefined];
    const { app } = await start(
      appWith(BasiqModule.forRoot({ apiKey: emulator().apiKey, baseUrl: emulator().url, logger: false })),
    );
    const indicator = app.get(BasiqHealthIndicator);
    await expect(indicator.isHealthy('basiq', { name: 'nope' })).rejects.toThrow(
      /no BasiqModule registration named "nope"/,
    );
  });
});
