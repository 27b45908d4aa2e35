/** @type {import('next').NextConfig} */
const config = {
  poweredByHeader: false,
  // The repository's own `tsc -p .` type-checks src/; skipping Next's second pass keeps the
  // build, which the tests run once per run, to about half.
  typescript: { ignoreBuildErrors: true },
  experimental: {
    // Next bundles the workspace packages (symlinks are not node_modules to it) and would
    // minify class names away: the launcher's client (start.mjs, core from node_modules) throws
    // errors that the bundled copy of core recognises by class name.
    serverMinification: false,
  },
};

export default config;
