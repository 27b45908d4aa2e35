import { bunRuntime } from './bun/launcher.js';
import { runRuntimeSuite } from './scenarios.js';

runRuntimeSuite(bunRuntime);
