import koa2 from 'koa2';
import koa3 from 'koa3';
import { koaDriver } from '../conformance/support/koa-driver.js';
import { runFaultMatrix } from './run-matrix.js';
import { koaAnswer } from './targets.js';

runFaultMatrix({ name: 'koa2', driver: koaDriver(koa2, { router: true }), appAnswer: koaAnswer });
runFaultMatrix({ name: 'koa3', driver: koaDriver(koa3, { router: true }), appAnswer: koaAnswer });
