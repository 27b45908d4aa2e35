import { workerdRuntime } from './workerd/launcher.js';
import { runRuntimeSuite } from './scenarios.js';

// No nodejs_compat: the Worker has Web APIs only. A Node builtin reachable from the app fails the
// bundle, and the error names each import chain from the Worker's entry to it.
runRuntimeSuite(workerdRuntime({ nodejsCompat: false }));
