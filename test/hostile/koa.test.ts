import koa2 from 'koa2';
import koa3 from 'koa3';
import { koaServer } from '../support/servers/koa.js';
import { serverTarget } from './support/apps.js';
import { runHostileSuite } from './support/suite.js';

runHostileSuite(serverTarget('koa3', koaServer(koa3, { router: true })));
runHostileSuite(serverTarget('koa2', koaServer(koa2, { router: true })));
