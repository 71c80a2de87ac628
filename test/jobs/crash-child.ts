/**
 * A job runtime in its own process, for crash tests: the parent kills it with SIGKILL at
 * arbitrary moments (mid-relay, mid-send) and checks that nothing is lost or sent twice.
 * Configuration comes as JSON in argv[2]; "ready" is printed once the runtime runs.
 */
import { BusinessDirectory } from '../../src/config/business-directory.js';
import { createSmtpMailSender } from '../../src/channels/senders/mail-senders.js';
import { createTwilioTextSenders } from '../../src/channels/senders/twilio-text-sender.js';
import { startJobRuntime } from '../../src/jobs/job-runtime.js';
import { createLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { createVendorPolicy } from '../../src/resilience/vendor-policy.js';
import { createLocalCalendarProvider } from '../../src/scheduling/local-calendar-provider.js';
import { createDataSource } from '../../src/storage/data-source.js';
import { testBusiness } from '../support/business-fixture.js';

interface ChildConfig {
  databaseUrl: string;
  prefix: string;
  twilio: { url: string; accountSid: string; authToken: string };
  smtpUrl: string;
  /** Which parts of the runtime this process runs. */
  run: { relay: boolean; workers: boolean };
}

const config = JSON.parse(process.argv[2]!) as ChildConfig;
const logger = createLogger({ level: 'silent' });
const metrics = createMetrics();
const dataSource = createDataSource({ url: config.databaseUrl });
await dataSource.initialize();
const policy = (dependency: 'twilio' | 'smtp') => createVendorPolicy({ dependency, metrics, logger, timeoutMs: 2000, retries: 0 });
const texts = createTwilioTextSenders({ ...config.twilio, apiUrl: config.twilio.url, policy: policy('twilio'), logger });
await startJobRuntime({
  dataSource,
  businesses: new BusinessDirectory([testBusiness()]),
  calendar: createLocalCalendarProvider(),
  logger,
  metrics,
  senders: { ...texts, mail: createSmtpMailSender({ url: config.smtpUrl, from: 'frontdesk@salon.test', policy: policy('smtp') }) },
  redisUrl: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
  prefix: config.prefix,
  mailFrom: 'frontdesk@salon.test',
  leaseMs: 1000,
  relayPollMs: 10,
  retry: { attempts: 20, backoffMs: 50 },
  lockDurationMs: 1000,
  run: config.run,
});
process.stdout.write('ready\n');
