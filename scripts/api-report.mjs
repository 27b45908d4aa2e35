#!/usr/bin/env node
// API reports: for every package entry point (each `exports` subpath with types), API Extractor
// writes the exported names and signatures to packages/<name>/api/<entry>.api.md, which is
// checked in. `node scripts/api-report.mjs` fails when the built surface differs from the
// report, so a change to the public API is made on purpose and reviewed;
// `--update` rewrites the reports. Reads the built `.d.ts` files: run the build first.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Extractor, ExtractorConfig } from '@microsoft/api-extractor';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const update = process.argv.includes('--update');
const only = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));

/** Every `exports` subpath whose ESM types are a `.d.ts` of ours, as [report name, file]. */
function entryPoints(pkgDir, pkg) {
  const entries = [];
  for (const [subpath, target] of Object.entries(pkg.exports ?? {})) {
    const types = target?.import?.types ?? target?.types;
    if (typeof types !== 'string' || !types.endsWith('.d.ts')) continue;
    const name = subpath === '.' ? 'index' : subpath.replace(/^\.\//, '').replaceAll('/', '-');
    entries.push([name, join(pkgDir, types)]);
  }
  return entries;
}

const temp = mkdtempSync(join(tmpdir(), 'api-report-'));
const stale = [];
let failed = false;
try {
  for (const dir of readdirSync(join(root, 'packages')).sort()) {
    if (only.length > 0 && !only.includes(dir)) continue;
    const pkgDir = join(root, 'packages', dir);
    const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
    for (const [name, dts] of entryPoints(pkgDir, pkg)) {
      mkdirSync(join(pkgDir, 'api'), { recursive: true });
      const config = ExtractorConfig.prepare({
        configObject: {
          projectFolder: pkgDir,
          // Its default is the OS's; the checked-in reports are LF everywhere.
          newlineKind: 'lf',
          mainEntryPointFilePath: dts,
          compiler: {
            overrideTsconfig: {
              compilerOptions: {
                strict: true,
                skipLibCheck: true,
                module: 'nodenext',
                moduleResolution: 'nodenext',
                target: 'es2022',
                lib: ['es2023', 'dom'],
                types: ['node'],
              },
              files: [dts],
            },
          },
          // Written to a scratch folder, then normalised and compared here (see stable()).
          apiReport: {
            enabled: true,
            reportFileName: name,
            reportFolder: join(temp, dir),
            reportTempFolder: join(temp, dir, 'work'),
          },
          docModel: { enabled: false },
          dtsRollup: { enabled: false },
          tsdocMetadata: { enabled: false },
          messages: {
            // Release tags (@public/@beta) are not part of this project's conventions.
            extractorMessageReporting: {
              default: { logLevel: 'warning', addToApiReportFile: true },
              'ae-missing-release-tag': { logLevel: 'none', addToApiReportFile: false },
            },
            tsdocMessageReporting: { default: { logLevel: 'none', addToApiReportFile: false } },
            compilerMessageReporting: { default: { logLevel: 'warning' } },
          },
        },
        configObjectFullPath: undefined,
        packageJsonFullPath: join(pkgDir, 'package.json'),
      });
      const result = Extractor.invoke(config, {
        localBuild: true,
        showVerboseMessages: false,
        messageCallback: quiet,
      });
      const label = `${pkg.name}${name === 'index' ? '' : `/${name}`}`;
      const generated = join(temp, dir, `${name}.api.md`);
      if (!result.succeeded || !existsSync(generated)) {
        failed = true;
        continue;
      }
      const fresh = stable(readFileSync(generated, 'utf8'));
      const reportPath = join(pkgDir, 'api', `${name}.api.md`);
      const current = existsSync(reportPath) ? readFileSync(reportPath, 'utf8') : undefined;
      if (current === fresh) {
        console.log(`api-report: ${label} unchanged`);
      } else if (update) {
        writeFileSync(reportPath, fresh);
        console.log(`api-report: updated ${label}`);
      } else {
        stale.push(label);
      }
    }
  }
} finally {
  rmSync(temp, { recursive: true, force: true });
}

/** Errors are printed; warnings about the API itself go into the report, where a reviewer sees them. */
function quiet(message) {
  if (process.env.API_REPORT_DEBUG) console.log(message.logLevel, message.messageId, message.text);
  if (message.logLevel === 'error') return;
  message.handled = true;
}

/**
 * A report without what changes when nothing public did: the warnings' locations name the build's
 * content-hashed chunks (`dist/client-BMYHRrFi.d.ts:40:1`), which move with any internal edit.
 */
function stable(report) {
  return report.replace(/^\/\/ \S+\.d\.ts:\d+:\d+ - /gm, '// ');
}

if (stale.length > 0) {
  console.error(
    `api-report: the public API of ${stale.join(', ')} changed and its report was not updated.\n` +
      'If the change is deliberate, run `npm run api:update`, review the diff of packages/*/api/*.api.md, ' +
      'record it in CHANGELOG.md, and commit the reports.',
  );
  process.exit(1);
}
if (failed) process.exit(1);
