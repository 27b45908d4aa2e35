import { runConformanceSuite } from './suite.js';
import { honoDriver } from './hono-driver.js';

runConformanceSuite('hono', honoDriver());
