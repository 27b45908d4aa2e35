import { denoRuntime } from './deno/launcher.js';
import { runRuntimeSuite } from './scenarios.js';

runRuntimeSuite(denoRuntime);
