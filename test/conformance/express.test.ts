import express4 from 'express4';
import express5 from 'express5';
import { runConformanceSuite } from './suite.js';
import { expressDriver } from './support/express-driver.js';

runConformanceSuite('express4', expressDriver(express4));
runConformanceSuite('express5', expressDriver(express5));
