import type express from 'express';
import type { NextFunction, Request, Response } from 'express';
import { basiq } from '@basiq-token/express';
import type { AdapterDriver } from '../suite.js';
import { running, statusOf } from './listen.js';

/** A conformance driver for one Express major (`express4` or `express5`, same adapter). */
export function expressDriver(createExpress: typeof express): AdapterDriver {
  return {
    async start({ client, resolveUserId, prefix, onError }) {
      const app = createExpress();
      const middleware = basiq(client);
      const router = createExpress.Router();
      router.use(middleware);
      router.post('/client-token', middleware.clientTokenRoute({ resolveUserId }));
      router.get('/users/:userId', (req: Request<{ userId: string }>, res: Response, next: NextFunction) => {
        req.basiq.http
          .get(`/users/${encodeURIComponent(req.params.userId)}`)
          .then((answer) => res.json(answer.data))
          .catch(next);
      });
      router.get(
        '/fetch/users/:userId',
        (req: Request<{ userId: string }>, res: Response, next: NextFunction) => {
          req.basiq
            .fetch(`/users/${encodeURIComponent(req.params.userId)}`)
            .then(async (answer) => res.status(answer.status).json(await answer.json()))
            .catch(next);
        },
      );
      app.use(prefix || '/', router);
      // Every error is recorded, then Basiq's are answered by the adapter's handler as a real app
      // would mount it, and the rest by the app's own.
      app.use((error: unknown, _req: Request, _res: Response, next: NextFunction) => {
        onError(error);
        next(error);
      });
      app.use(middleware.errorHandler());
      app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
        res.status(statusOf(error) ?? 500).json({ error: { code: 'app_error', message: 'The app failed' } });
      });
      return running(app.listen(0, '127.0.0.1'));
    },
  };
}
