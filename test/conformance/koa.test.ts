import koa2 from 'koa2';
import koa3 from 'koa3';
import { runConformanceSuite } from './suite.js';
import { koaDriver } from './support/koa-driver.js';

runConformanceSuite('koa2', koaDriver(koa2, { router: true }));
runConformanceSuite('koa3', koaDriver(koa3, { router: true }));
runConformanceSuite('koa2 without a router', koaDriver(koa2, { router: false }));
runConformanceSuite('koa3 without a router', koaDriver(koa3, { router: false }));
