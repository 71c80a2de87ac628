import { startFrontdesk, openDatabase, type Role } from './app/frontdesk.js';
import { EnvError, parseEnv } from './config/env.js';
import { BusinessConfigError, loadBusinesses } from './config/load-businesses.js';
import { createLogger } from './observability/logger.js';
import { revertLastMigration } from './storage/migrate.js';

const USAGE = 'usage: frontdesk <all|web|worker|migrate [down]|check-config>';
const SHUTDOWN_GRACE_MS = 10_000;

/** Errors a person fixes by editing config: print the message alone, no stack trace. */
function isConfigError(error: unknown): error is Error {
  return error instanceof EnvError || error instanceof BusinessConfigError;
}

async function migrate(direction: string | undefined): Promise<void> {
  const env = parseEnv();
  const logger = createLogger({ level: env.LOG_LEVEL });
  const dataSource = await openDatabase(env, logger);
  try {
    if (direction === 'down') {
      await revertLastMigration(dataSource);
      logger.info('reverted the last migration');
    }
  } finally {
    await dataSource.destroy();
  }
}

async function serve(role: Role): Promise<void> {
  const env = parseEnv();
  const logger = createLogger({ level: env.LOG_LEVEL });
  const running = await startFrontdesk(env, role, logger);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const forced = setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS);
    forced.unref();
    running.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

async function main(args: string[]): Promise<void> {
  const [command = 'all', option] = args;
  switch (command) {
    case 'all':
    case 'web':
    case 'worker':
      return serve(command);
    case 'migrate':
      return migrate(option);
    case 'check-config': {
      const businesses = loadBusinesses(parseEnv().BUSINESS_CONFIG);
      console.log(`config ok: ${businesses.map((business) => business.id).join(', ')}`);
      return;
    }
    default:
      throw new Error(USAGE);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (isConfigError(error)) {
    console.error(error.message);
  } else {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  }
  process.exit(1);
});
