import { workerdRuntime } from './workerd/launcher.js';
import { runRuntimeSuite } from './scenarios.js';

runRuntimeSuite(workerdRuntime({ nodejsCompat: true }));
