import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { BasiqClient } from '@basiq-token/core';
import { InjectBasiqClient } from '@basiq-token/nestjs';
import { answerProbe } from '@basiq-token/example-shared';
import type { ProbeAnswer } from '@basiq-token/example-shared';

/** Liveness (always 200, with the client's health) and readiness (503 while no server token can be had). */
@Controller()
export class HealthController {
  constructor(@InjectBasiqClient() private readonly client: BasiqClient) {}

  @Get('healthz')
  async liveness(@Res() res: Response): Promise<void> {
    send(res, await answerProbe(this.client, 'liveness'));
  }

  @Get('readyz')
  async readiness(@Res() res: Response): Promise<void> {
    send(res, await answerProbe(this.client, 'readiness'));
  }
}

// Not res.json(): no ETag on an answer that must not be cached.
function send(res: Response, answer: ProbeAnswer): void {
  res.status(answer.status).set(answer.headers).end(JSON.stringify(answer.body));
}
