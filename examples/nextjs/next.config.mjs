/** @type {import('next').NextConfig} */
const config = {
  poweredByHeader: false,
  // The repository's own `tsc -p .` type-checks src/ (and CI runs it); skipping Next's second
  // pass keeps the build, which the tests run once per run, to about half.
  typescript: { ignoreBuildErrors: true },
  // Loaded from node_modules at run time rather than bundled: the launcher (start.mjs) and the
  // routes then share one copy of core, so the client it creates is the one the routes use.
  serverExternalPackages: [
    '@basiq-token/core',
    '@basiq-token/next',
    '@basiq-token/example-shared',
    '@basiq-token/emulator',
    '@basiq-token/redis',
    'ioredis',
  ],
};

export default config;
