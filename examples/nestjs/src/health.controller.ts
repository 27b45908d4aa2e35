import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { BasiqService } from '@basiq-token/nestjs';
import { answerProbe } from '@basiq-token/example-shared';
import type { ProbeAnswer } from '@basiq-token/example-shared';

/** Liveness (always 200, with the client's health) and readiness (503 while no server token can be had). */
@Controller()
export class HealthController {
  constructor(@Inject(BasiqService) private readonly basiq: BasiqService) {}

  @Get('healthz')
  async liveness(@Res() res: Response): Promise<void> {
    send(res, await answerProbe(this.basiq.client, 'liveness'));
  }

  @Get('readyz')
  async readiness(@Res() res: Response): Promise<void> {
    send(res, await answerProbe(this.basiq.client, 'readiness'));
  }
}

// Not res.json(): no ETag on an answer that must not be cached.
function send(res: Response, answer: ProbeAnswer): void {
  res.status(answer.status).set(answer.headers).end(JSON.stringify(answer.body));
}
