// Preloaded (`node --import`) into a child whose ending a test checks: reports on stderr whether
// the process ended because its event loop drained (nothing left open), or through
// process.exit() (a fallback that hides open handles), with what was still open then.
const say = (line) => process.stderr.write(`[exit-probe] ${line}\n`);

let drained = false;
process.on('beforeExit', () => {
  if (drained) return;
  drained = true;
  say('drained');
});

const exit = process.exit.bind(process);
process.exit = (code) => {
  say(`process.exit(${code ?? ''}) with open: ${JSON.stringify(process.getActiveResourcesInfo())}`);
  return exit(code);
};
