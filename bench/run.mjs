// Runs every benchmark in turn, each printing its own figures.
// `npm run bench` runs them in full; `npm run bench -- --quick` finishes in under two minutes.
// `npm run bench -- core fleet` runs only the named ones.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ALL = ['core', 'api', 'fleet', 'overhead', 'expiry', 'economy', 'memory'];
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const named = args.filter((a) => !a.startsWith('--'));
const dir = fileURLToPath(new URL('.', import.meta.url));

let failed = 0;
for (const name of named.length ? named : ALL) {
  const file = `${dir}${name}.ts`;
  if (!existsSync(file)) {
    console.log(`(bench ${name}: not present)`);
    continue;
  }
  console.log(`\n=== bench/${name}.ts${quick ? ' --quick' : ''}`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', file, ...(quick ? ['--quick'] : [])], {
    stdio: 'inherit',
  });
  if (run.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
