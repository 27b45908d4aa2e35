import koa2 from 'koa2';
import koa3 from 'koa3';
import { runConformanceSuite } from './suite.js';
import { koaServer } from '../support/servers/koa.js';

runConformanceSuite('koa2', koaServer(koa2, { router: true }));
runConformanceSuite('koa3', koaServer(koa3, { router: true }));
runConformanceSuite('koa2 without a router', koaServer(koa2, { router: false }));
runConformanceSuite('koa3 without a router', koaServer(koa3, { router: false }));
