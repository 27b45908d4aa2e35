import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

import { readdirSync } from 'node:fs';

const pkg = (name: string) => fileURLToPath(new URL(`./packages/${name}/src/index.ts`, import.meta.url));
// Every package under packages/ resolves to its sources, so a new package needs no edit here.
const packages = readdirSync(new URL('./packages/', import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

// Tests run against the TypeScript sources, so `npm test` needs no build for unit suites;
// suites that spawn built programs (examples' main, packaging) build what they need first.
export default defineConfig({
  resolve: {
    alias: packages
      .map((name) => ({
        find: new RegExp(`^@basiq-token/${name}$`),
        replacement: pkg(name),
      }))
      .concat([
        // Core's subpath entries (its package.json `exports`): the axios integration, adapter plumbing.
        ...['axios', 'adapter'].map((entry) => ({
          find: new RegExp(`^@basiq-token/core/${entry}$`),
          replacement: fileURLToPath(new URL(`./packages/core/src/${entry}.ts`, import.meta.url)),
        })),
        // The Nest adapter's Terminus indicator (its own entry: @nestjs/terminus is optional).
        {
          find: /^@basiq-token\/nestjs\/terminus$/,
          replacement: fileURLToPath(new URL('./packages/nestjs/src/terminus.ts', import.meta.url)),
        },
        {
          find: /^@basiq-token\/example-shared$/,
          replacement: fileURLToPath(new URL('./examples/shared/src/index.ts', import.meta.url)),
        },
      ]),
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    // verbose: one line per test, so CI shows each adapter x scenario of the conformance suite.
    reporters: ['verbose', './test/support/summary-reporter.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    maxWorkers: 2,
    setupFiles: ['./test/support/setup.ts'],
  },
});
