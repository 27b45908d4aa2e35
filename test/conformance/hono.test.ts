import { runConformanceSuite } from './suite.js';
import { honoDriver } from './hono-driver.js';

runConformanceSuite('hono', honoDriver({ mount: 'route' }));
runConformanceSuite('hono with the route on app.use and a path', honoDriver({ mount: 'use' }));
