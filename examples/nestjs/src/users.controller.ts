import { Body, Controller, Get, Inject, Param, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { apiAnswer } from '@basiq-token/example-shared';
import type { NewBasiqUser } from '@basiq-token/example-shared';
import { BasiqService } from '@basiq-token/nestjs';

/**
 * Basiq's users, through the injected client's typed `api`: the server token is added (and
 * refreshed) for us. Basiq's status and JSON body are relayed as they came, errors included;
 * failing to get a token at all is a Basiq error that the app's BasiqExceptionFilter answers.
 */
@Controller('users')
export class UsersController {
  constructor(@Inject(BasiqService) private readonly basiq: BasiqService) {}

  @Get(':userId')
  async user(@Param('userId') userId: string, @Res() res: Response): Promise<void> {
    relayAnswer(
      res,
      await apiAnswer(this.basiq.api.GET('/users/{userId}', { params: { path: { userId } } })),
    );
  }

  @Get(':userId/accounts')
  async accounts(@Param('userId') userId: string, @Res() res: Response): Promise<void> {
    const answer = await apiAnswer(
      this.basiq.api.GET('/users/{userId}/accounts', { params: { path: { userId } } }),
    );
    relayAnswer(res, answer);
  }

  @Post()
  async create(@Body() body: unknown, @Res() res: Response): Promise<void> {
    const answer = await apiAnswer(this.basiq.api.POST('/users', { body: (body ?? {}) as NewBasiqUser }));
    relayAnswer(res, answer);
  }
}

// Nest would send a returned value with its own fixed status; Basiq's status is the point here.
function relayAnswer(res: Response, answer: { status: number; data: unknown }): void {
  res.status(answer.status);
  if (answer.data === undefined) {
    res.end();
    return;
  }
  res.type('application/json').send(JSON.stringify(answer.data));
}
