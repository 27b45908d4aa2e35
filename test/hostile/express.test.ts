import express4 from 'express4';
import express5 from 'express5';
import { expressTarget } from './support/apps.js';
import { runHostileSuite } from './support/suite.js';

runHostileSuite(expressTarget('express5', express5));
runHostileSuite(expressTarget('express4', express4));
