import { nest12Kit, nestServer } from '../support/servers/nest.js';
import { serverTarget } from './support/apps.js';
import { runHostileSuite } from './support/suite.js';

runHostileSuite(serverTarget('nestjs12-express', nestServer(nest12Kit('express', 'forRootAsync'))));
runHostileSuite(serverTarget('nestjs12-fastify', nestServer(nest12Kit('fastify', 'forRoot'))));
