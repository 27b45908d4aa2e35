import { Controller, Get, Inject, Module, Param, Res } from '@nestjs/common';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { BasiqApi, BasiqClient } from '@basiq-token/core';
import { SEED_ACCOUNT_IDS } from '@basiq-token/emulator';
import { BASIQ_CLIENT, BasiqModule, BasiqService } from '@basiq-token/nestjs';
import { nestFixtures, SEEDED_USER_ID } from './support.js';
import type { Platform } from './support.js';

const { emulator, start } = nestFixtures();

interface Reply {
  status(code: number): Reply;
  send(body: unknown): unknown;
}

/** An app route relaying Basiq's answer through the injected service's typed client. */
@Controller('users')
class AccountsController {
  static seen: unknown[] = [];
  constructor(@Inject(BasiqService) private readonly basiq: BasiqService) {}

  @Get(':userId/accounts')
  async accounts(@Param('userId') userId: string, @Res() res: Reply): Promise<void> {
    AccountsController.seen.push(this.basiq.api);
    const { data, error, response } = await this.basiq.api.GET('/users/{userId}/accounts', {
      params: { path: { userId } },
    });
    res.status(response.status).send(data ?? error);
  }
}

describe('@basiq-token/nestjs: BasiqService.api', () => {
  it('is typed as BasiqApi', () => {
    expectTypeOf<BasiqService['api']>().toEqualTypeOf<BasiqApi>();
  });

  it.each<Platform>(['express', 'fastify'])(
    "calls Basiq with the server token and relays Basiq's status and JSON (%s)",
    async (platform) => {
      @Module({
        imports: [BasiqModule.forRoot({ apiKey: emulator().apiKey, baseUrl: emulator().url, logger: false })],
        controllers: [AccountsController],
      })
      class AppModule {}
      AccountsController.seen = [];
      const { app, url } = await start(AppModule, { platform });

      const ok = await fetch(`${url}/users/${SEEDED_USER_ID}/accounts`);
      expect(ok.status).toBe(200);
      expect(((await ok.json()) as { data: { id: string }[] }).data.map((a) => a.id)).toEqual([
        ...SEED_ACCOUNT_IDS,
      ]);
      const missing = await fetch(`${url}/users/00000000-0000-4000-8000-000000000000/accounts`);
      expect(missing.status).toBe(404);
      expect(((await missing.json()) as { data: { code: string }[] }).data[0]?.code).toBe(
        'resource-not-found',
      );
      const client = app.get<BasiqClient>(BASIQ_CLIENT);
      expect(AccountsController.seen).toHaveLength(2);
      expect(AccountsController.seen[0]).toBe(client.api);
      expect(AccountsController.seen[1]).toBe(client.api);
    },
  );
});
