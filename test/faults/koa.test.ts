import koa2 from 'koa2';
import koa3 from 'koa3';
import { runFaultMatrix } from './run-matrix.js';
import { koaAnswer } from './targets.js';
import { koaServer } from '../support/servers/koa.js';

runFaultMatrix({ name: 'koa2', driver: koaServer(koa2, { router: true }), appAnswer: koaAnswer });
runFaultMatrix({ name: 'koa3', driver: koaServer(koa3, { router: true }), appAnswer: koaAnswer });
