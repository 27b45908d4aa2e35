import { workerNodeImports, workerdRuntime } from './workerd/launcher.js';
import { runRuntimeSuite } from './scenarios.js';

// The one gap known today: @basiq-token/hono keeps `c.var.basiq.http` through core's axios entry,
// whose redaction code imports node:http and node:net (packages/core/src/http/sanitize.ts). The
// suite skips for that path alone, naming it; any other path to a Node builtin fails the suite
// (the bundle error lists it), and with none left the suite runs.
const KNOWN = 'packages/core/src/http/sanitize.ts';
const paths = await workerNodeImports();
const known =
  paths.length > 0 &&
  paths.every((path) => path.includes('packages/core/src/axios.ts') && path.includes(KNOWN));
const builtins = [...new Set(paths.map((path) => path.at(-1)))].join(', ');

// No nodejs_compat: the Worker has Web APIs only.
runRuntimeSuite(
  workerdRuntime({ nodejsCompat: false }),
  known
    ? {
        knownGap: `a Worker without nodejs_compat cannot load @basiq-token/hono: it imports @basiq-token/core/axios, whose ${KNOWN} imports ${builtins}`,
      }
    : {},
);
