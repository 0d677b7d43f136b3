import path from 'node:path';
import { type BuildOptions, buildSync, type Metafile } from 'esbuild';
import { repoRoot } from '../settings.js';

/**
 * How every Lambda function of the system is bundled, declared once: CDK builds each function's asset with
 * `bundleFunction` (app-function.ts) and `npm run bench -- bundles` builds the very same files to measure
 * them. esbuild, ESM for Node.js 22, minified, with source maps; the AWS SDK is bundled, not taken from the
 * runtime (its versions are pinned in package.json, and a bundled SDK starts faster than the runtime's:
 * aws/aws-cdk#25492).
 */
export const target = 'node22';

/** The file Lambda loads: `index.handler` is the handler setting. */
export const entryFile = 'index.mjs';

// ESM bundles that contain CommonJS code (the AWS SDK does) call `require`: define it for them.
const requireBanner =
  "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

/** esbuild's options for one function: `entry` relative to the repository root, written to `outdir`. */
export function esbuildOptions(entry: string, outdir: string): BuildOptions {
  return {
    entryPoints: [path.join(repoRoot, entry)],
    outfile: path.join(outdir, entryFile),
    absWorkingDir: repoRoot,
    bundle: true,
    platform: 'node',
    target,
    format: 'esm',
    mainFields: ['module', 'main'],
    minify: true,
    sourcemap: true,
    banner: { js: requireBanner },
    metafile: true,
    logLevel: 'warning',
  };
}

/** Builds one function into `outdir` (synchronously: CDK's local bundling is synchronous). */
export function bundleFunction(entry: string, outdir: string): Metafile {
  const result = buildSync(esbuildOptions(entry, outdir));
  return result.metafile as Metafile;
}
