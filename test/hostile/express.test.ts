import express4 from 'express4';
import express5 from 'express5';
import { expressServer } from '../support/servers/express.js';
import { serverTarget } from './support/apps.js';
import { runHostileSuite } from './support/suite.js';

runHostileSuite(serverTarget('express5', expressServer(express5)));
runHostileSuite(serverTarget('express4', expressServer(express4)));
