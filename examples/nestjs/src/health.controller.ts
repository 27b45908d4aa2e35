import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import { probeResponse } from '@basiq-token/core';
import type { BasiqClient, ProbeResponse } from '@basiq-token/core';
import { InjectBasiqClient } from '@basiq-token/nestjs';

/**
 * Liveness (always 200, with the client's health) and readiness (503 while no server token can be
 * had), answered by core's probe. (`@basiq-token/nestjs/terminus` is the Terminus way to the same.)
 */
@Controller()
export class HealthController {
  constructor(@InjectBasiqClient() private readonly client: BasiqClient) {}

  @Get('healthz')
  async liveness(@Res() res: Response): Promise<void> {
    send(res, await probeResponse(this.client, 'liveness'));
  }

  @Get('readyz')
  async readiness(@Res() res: Response): Promise<void> {
    send(res, await probeResponse(this.client, 'readiness'));
  }
}

// Not res.json(): no ETag on an answer that must not be cached.
function send(res: Response, answer: ProbeResponse): void {
  res.status(answer.status).set(answer.headers).end(JSON.stringify(answer.body));
}
