// `npm run bench -- <benchmark> [options]`: runs one benchmark of test/bench/. Each benchmark prints
// human-readable lines, then as its last line one JSON object with its measurements.
const benchmarks: Record<
  string,
  { describe: string; load: () => Promise<{ main(argv: string[]): Promise<void> }> }
> = {
  bundles: {
    describe:
      'every Lambda bundle built as CDK builds it, cold-started beside a reference (--runs N, --only a,b)',
    load: () => import('./bundles.js'),
  },
  sweep: {
    describe:
      'one sweep worker per department size, in its own process: time vs. its I/O floor, heap, peak RSS (--sizes, --runs)',
    load: () => import('./sweep.js'),
  },
  fanout: {
    describe:
      'a sweep fanned out over a modelled SQS queue to C worker processes (the real worker): duration, per-department p50/p95/max, requests and RCU/WCU per project (--departments, --projects, --large, --concurrency)',
    load: () => import('./fanout.js'),
  },
  api: {
    describe: 'N concurrent vouchers on one project through the local gateway (--vouchers N, --rounds R)',
    load: () => import('./api.js'),
  },
};

function usage(): never {
  console.error('usage: npm run bench -- <benchmark> [options]\n\nbenchmarks:');
  for (const [name, b] of Object.entries(benchmarks)) console.error(`  ${name.padEnd(8)} ${b.describe}`);
  process.exit(2);
}

const [name, ...rest] = process.argv.slice(2);
const benchmark = name !== undefined && Object.hasOwn(benchmarks, name) ? benchmarks[name] : undefined;
if (!benchmark) {
  if (name !== undefined) console.error(`unknown benchmark: ${name}`);
  usage();
}
await (await benchmark.load()).main(rest);

export {};
