import express4 from 'express4';
import express5 from 'express5';
import { runConformanceSuite } from './suite.js';
import { expressServer } from '../support/servers/express.js';

runConformanceSuite('express4', expressServer(express4));
runConformanceSuite('express5', expressServer(express5));
