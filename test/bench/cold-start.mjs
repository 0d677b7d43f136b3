// One cold start, in a fresh Node process (spawned by test/bench/bundles.ts): imports the bundle, calls its
// `handler` once with the event given as JSON, and prints one line `COLD_START {json}`: the import's and the
// first call's milliseconds, the RSS after the call, and the reply's status code when there is one.
import { pathToFileURL } from 'node:url';

const [file, eventJson] = process.argv.slice(2);
const context = {
  functionName: process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'bench',
  functionVersion: '$LATEST',
  awsRequestId: 'c0ffee00-0000-4000-8000-000000000001',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:bench',
  memoryLimitInMB: '512',
  logGroupName: '/aws/lambda/bench',
  logStreamName: 'bench',
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => 29_000,
};
const started = performance.now();
const mod = await import(pathToFileURL(file).href);
const imported = performance.now();
let status;
let error;
try {
  const reply = await mod.handler(JSON.parse(eventJson), context);
  status = reply?.statusCode;
} catch (err) {
  error = String(err?.name ?? err);
}
const called = performance.now();
const result = {
  importMs: imported - started,
  callMs: called - imported,
  rssBytes: process.memoryUsage().rss,
  status,
  error,
};
process.stdout.write(`\nCOLD_START ${JSON.stringify(result)}\n`, () => process.exit(0));
