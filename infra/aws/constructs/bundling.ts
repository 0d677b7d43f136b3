import { readFileSync } from 'node:fs';
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

/** What a function's build leaves out (see the stack: the meta area's OpenAPI generator). */
export interface BundleOptions {
  /** Import paths not bundled (they must not be reached in Lambda). */
  external?: string[];
}

/**
 * esbuild's options for one function: `entry` relative to the repository root, written to `outdir` as
 * `index.mjs` plus the chunks it shares with its own lazy imports (`chunks/`). Code splitting is what makes an
 * `await import()` lazy in the bundle too: what only some paths use (exceljs, nodemailer, the S3, SES and SQS
 * clients) is a chunk that Node loads when that path first runs, not at the cold start.
 */
export function esbuildOptions(entry: string, outdir: string, opts: BundleOptions = {}): BuildOptions {
  return {
    entryPoints: { index: path.join(repoRoot, entry) },
    outdir,
    entryNames: '[name]',
    chunkNames: 'chunks/[name]-[hash]',
    outExtension: { '.js': '.mjs' },
    splitting: true,
    absWorkingDir: repoRoot,
    bundle: true,
    platform: 'node',
    target,
    format: 'esm',
    mainFields: ['module', 'main'],
    minify: true,
    sourcemap: true,
    // The maps give stack traces their files and lines (NODE_OPTIONS=--enable-source-maps), which needs no
    // copy of the sources in them: without it the map of http-projects is 385 KB, not 1.3 MB, and Node, which
    // reads and parses the map of each module it loads, imports the bundle ≈10 ms sooner (103 vs 113 ms,
    // medians of 15 fresh processes each, interleaved, Node 20, 2026-12-02; noisy machine).
    sourcesContent: false,
    banner: { js: requireBanner },
    external: opts.external,
    metafile: true,
    logLevel: 'warning',
  };
}

/** Builds one function into `outdir` (synchronously: CDK's local bundling is synchronous). */
export function bundleFunction(entry: string, outdir: string, opts: BundleOptions = {}): Metafile {
  const result = buildSync(esbuildOptions(entry, outdir, opts));
  return result.metafile as Metafile;
}

// `import … from"./x.mjs"`, `export … from"./x.mjs"` and `import"./x.mjs"`; not `import("./x.mjs")`, which is lazy.
const staticImport = /(?:\bfrom|\bimport)\s*["'](\.{1,2}\/[^"']+)["']/g;

/**
 * The files Node loads when Lambda imports a built function: `index.mjs` and the chunks it imports
 * statically, followed through the chunks. Read from the built files themselves, so it is what is loaded,
 * whatever the bundler meant; the chunks behind an `await import()` are loaded later, by the path that needs
 * them. The bundle budget (test/infra/bundle-budget.test.ts) and the bundle benchmark measure this.
 */
export function filesLoadedAtStart(outdir: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const m of readFileSync(file, 'utf8').matchAll(staticImport)) {
      visit(path.resolve(path.dirname(file), m[1]!));
    }
  };
  visit(path.join(outdir, entryFile));
  return [...seen];
}
