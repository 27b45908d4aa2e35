/** The conformance suite against core's Fetch handler (see support/fetch-driver.ts). */
import { runConformanceSuite } from './suite.js';
import { fetchDriver } from './support/fetch-driver.js';

runConformanceSuite('fetch handler', fetchDriver);
