// The hostile-input suite (test/hostile) against the Hono adapter's client-token route on
// @hono/node-server, with JSON and form bodies parsed before the route as the other targets do
// (test/support/servers/hono.ts).
import { serverTarget } from '../hostile/support/apps.js';
import { runHostileSuite } from '../hostile/support/suite.js';
import { honoServer } from '../support/servers/hono.js';

runHostileSuite(serverTarget('hono', honoServer({ mount: 'route' })));
