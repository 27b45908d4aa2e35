import express4 from 'express4';
import express5 from 'express5';
import { runFaultMatrix } from './run-matrix.js';
import { appHandlerAnswer } from './targets.js';
import { expressServer } from '../support/servers/express.js';

runFaultMatrix({ name: 'express4', driver: expressServer(express4), appAnswer: appHandlerAnswer });
runFaultMatrix({ name: 'express5', driver: expressServer(express5), appAnswer: appHandlerAnswer });
