import { runConformanceSuite } from './suite.js';
import { honoServer } from '../support/servers/hono.js';

runConformanceSuite('hono', honoServer({ mount: 'route' }));
runConformanceSuite('hono with the route on app.use and a path', honoServer({ mount: 'use' }));
