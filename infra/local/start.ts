import { now as clockNow } from '../../shared/clock.js';
import { businessDate, yearOf } from '../../shared/domain/calendar.js';
import { loadDemoData, type TokenFor } from './demo.js';
import { localSettings } from './env.js';
import { loadOrCreateKeys, signToken } from './idp.js';
import { startSystem } from './system.js';

/** `npm start`: the whole system locally, until Ctrl-C or SIGTERM. */
async function main() {
  const settings = localSettings();
  const log = (line: string) => console.log(`[local] ${line}`);
  const started = Date.now();
  const system = await startSystem({ ...settings, log, logRequests: process.env.LOG_REQUESTS !== '0' });
  const { info } = system;

  let shuttingDown = false;
  const shutdown = async (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    log(`${signal}: stopping…`);
    await system.stop();
    log('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  if (info.tableCreated && settings.demoData) {
    const keys = await loadOrCreateKeys(settings.dataDir);
    const tokenFor: TokenFor = (role, departmentId) =>
      signToken(keys, info.issuer, {
        role,
        departmentId,
        sub: `demo-${departmentId ?? 'bureau'}`.toLowerCase(),
      });
    const today = businessDate(clockNow());
    log(`demo data loaded: ${await loadDemoData(info, tokenFor, yearOf(today), today)}`);
  }

  console.log(
    [
      '',
      `budget-performance is ready in ${((Date.now() - started) / 1000).toFixed(1)} s (data in ${settings.dataDir})`,
      `  API        ${info.api}`,
      `  health     ${info.api}/health`,
      `  API docs   ${info.docs}`,
      `  mail       ${info.mail}   (sent messages; GET ${info.mail}/store)`,
      `  DynamoDB   ${info.dynamodb}`,
      `  S3         ${info.s3}`,
      `  identity   ${info.idp}/.well-known/openid-configuration`,
      '  a token:   npm run --silent token -- --role finance',
      '',
    ].join('\n'),
  );
}

main().catch((err: Error) => {
  console.error(`[local] could not start: ${err.message}`);
  process.exit(1);
});
