import { Body, Controller, Get, Inject, Param, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { BasiqService } from '@basiq-token/nestjs';

/**
 * Basiq's users, through the injected client: the server token is added (and refreshed) for us.
 * Basiq's status and JSON body are relayed as they came, errors included; failing to get a token
 * at all is a Basiq error that the app's BasiqExceptionFilter answers.
 */
@Controller('users')
export class UsersController {
  constructor(@Inject(BasiqService) private readonly basiq: BasiqService) {}

  @Get(':userId')
  async user(@Param('userId') userId: string, @Res() res: Response): Promise<void> {
    await relay(res, await this.basiq.fetch(`/users/${encodeURIComponent(userId)}`));
  }

  @Post()
  async create(@Body() body: unknown, @Res() res: Response): Promise<void> {
    const answer = await this.basiq.fetch('/users', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body ?? {}),
    });
    await relay(res, answer);
  }
}

// Nest would send a returned value with its own fixed status; Basiq's status is the point here.
async function relay(res: Response, answer: globalThis.Response): Promise<void> {
  const text = await answer.text();
  res.status(answer.status);
  if (text === '') {
    res.end();
    return;
  }
  res.type(answer.headers.get('content-type') ?? 'application/json').send(text);
}
