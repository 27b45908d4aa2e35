import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the examples serve `@basiq-token/browser`'s ESM build; the demo script imports it from there. */
export const BASIQ_BROWSER_SCRIPT_PATH = '/basiq-browser.js';

let cached: string | undefined;

/**
 * `@basiq-token/browser`'s built ESM file, as the examples serve it at
 * {@link BASIQ_BROWSER_SCRIPT_PATH} (no bundler in the demo: the browser loads it as a module).
 * Read once; throws at start-up, with what to run, when the package is not built.
 */
export function basiqBrowserScript(): string {
  if (cached !== undefined) return cached;
  const manifest = join(packageDir(), 'package.json');
  const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as {
    exports: { '.': { import: { default: string } } };
  };
  const file = join(dirname(manifest), pkg.exports['.'].import.default);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(
      `@basiq-token/browser is not built (${file} is missing): run \`npm run build -w packages/browser\``,
      { cause: error },
    );
  }
  // The map is not served: without this line the browser would ask for it and get a 404.
  cached = text.replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n');
  return cached;
}

/**
 * The package's directory, found the way Node looks up node_modules, by hand: Next's bundler
 * would replace a `require.resolve` with its own module id, which is no path.
 */
function packageDir(): string {
  const starts = [process.cwd()];
  if (import.meta.url.startsWith('file:')) starts.unshift(dirname(fileURLToPath(import.meta.url)));
  for (const start of starts) {
    for (let dir = start; ; dir = dirname(dir)) {
      const candidate = join(dir, 'node_modules', '@basiq-token', 'browser');
      if (existsSync(join(candidate, 'package.json'))) return candidate;
      if (dirname(dir) === dir) break;
    }
  }
  throw new Error('@basiq-token/browser is not installed: run `npm install` at the repository root');
}
