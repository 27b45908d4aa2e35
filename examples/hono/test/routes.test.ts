import { runExtraRouteChecks } from '../../shared/test/extra-routes.js';
import { createListener } from '../src/app.js';

runExtraRouteChecks('hono', createListener);
