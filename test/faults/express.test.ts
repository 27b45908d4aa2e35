import express4 from 'express4';
import express5 from 'express5';
import { expressDriver } from '../conformance/support/express-driver.js';
import { runFaultMatrix } from './run-matrix.js';
import { expressAnswer } from './targets.js';

runFaultMatrix({ name: 'express4', driver: expressDriver(express4), appAnswer: expressAnswer });
runFaultMatrix({ name: 'express5', driver: expressDriver(express5), appAnswer: expressAnswer });
