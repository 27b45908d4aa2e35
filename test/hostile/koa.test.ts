import koa2 from 'koa2';
import koa3 from 'koa3';
import { koaTarget } from './support/apps.js';
import { runHostileSuite } from './support/suite.js';

runHostileSuite(koaTarget('koa3', koa3));
runHostileSuite(koaTarget('koa2', koa2));
