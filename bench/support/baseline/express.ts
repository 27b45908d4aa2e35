import type { RequestListener } from 'node:http';
import axios from 'axios';
import express from 'express';

/**
 * The Express example's `GET /users/:userId` without basiq-token: an axios instance with a
 * constant `Authorization` header (and core's default 30 s timeout), relaying Basiq's status and body the same way.
 */
export function expressBaseline(baseUrl: string, token: string): RequestListener {
  const http = axios.create({
    baseURL: baseUrl,
    timeout: 30_000,
    headers: { authorization: `Bearer ${token}` },
  });
  const app = express();
  app.disable('x-powered-by');
  app.get('/users/:userId', (req, res, next) => {
    http.get(`/users/${encodeURIComponent(req.params.userId)}`).then(
      (answer) => res.status(answer.status).json(answer.data),
      (error: unknown) => next(error),
    );
  });
  return app;
}
