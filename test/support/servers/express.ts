import type express from 'express';
import type { NextFunction, Request, Response } from 'express';
import { basiq } from '@basiq-token/express';
import { APP_ERROR, running, statusOf, userPath } from './server.js';
import type { ServerFactory } from './server.js';

type UserRequest = Request<{ userId: string }>;

/**
 * The app on one Express major (`express4` or `express5`, same adapter): the adapter on a router
 * mounted at the prefix (`app.use(prefix, router)`), its `errorHandler()` for Basiq errors and the
 * app's own error middleware for the rest.
 */
export function expressServer(createExpress: typeof express): ServerFactory {
  return {
    async start({ client, resolveUserId, prefix, onError, bodyLimit }) {
      const app = createExpress();
      if (bodyLimit !== undefined) {
        app.use(createExpress.json({ limit: bodyLimit }));
        app.use(createExpress.urlencoded({ extended: true, limit: bodyLimit }));
      }
      const middleware = basiq(client);
      const router = createExpress.Router();
      router.use(middleware);
      router.post('/client-token', middleware.clientTokenRoute({ resolveUserId }));
      router.get('/users/:userId', (req: UserRequest, res: Response, next: NextFunction) => {
        req.basiq.http
          .get(userPath(req.params.userId))
          .then((answer) => res.json(answer.data))
          .catch(next);
      });
      router.get('/fetch/users/:userId', (req: UserRequest, res: Response, next: NextFunction) => {
        req.basiq
          .fetch(userPath(req.params.userId))
          .then(async (answer) => res.status(answer.status).json(await answer.json()))
          .catch(next);
      });
      app.use(prefix || '/', router);
      // Every error is recorded, then Basiq's are answered by the adapter's handler as a real app
      // would mount it, and the rest by the app's own.
      app.use((error: unknown, _req: Request, _res: Response, next: NextFunction) => {
        onError?.(error);
        next(error);
      });
      app.use(middleware.errorHandler());
      app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
        res.status(statusOf(error) ?? 500).json(APP_ERROR);
      });
      return running(app.listen(0, '127.0.0.1'), () => middleware.close());
    },
  };
}
