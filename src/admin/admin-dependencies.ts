import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { BusinessDirectory } from '../config/business-directory.js';
import type { Scheduler } from '../scheduling/scheduler.js';
import type { HealthSources } from './health-report.js';
import type { LoginThrottleOptions } from './login-throttle.js';
import type { SoftphoneDependencies } from './softphone.js';

/** What the admin pages need; built in the composition root's web role. */
export interface AdminDependencies {
  /** ADMIN_PASSWORD. Absent: every /admin page says how to enable the admin, and nothing else is served. */
  password?: string | undefined;
  /** Mark cookies Secure: true when PUBLIC_URL is https. */
  secureCookies: boolean;
  dataSource: DataSource;
  businesses: BusinessDirectory;
  /** Cancelling goes through the scheduling use-case, so the customer is told through the outbox. */
  bookings: Pick<Scheduler, 'cancel'>;
  health: Omit<HealthSources, 'dataSource'>;
  /** The app's clock: "today" and "upcoming" are read against it. */
  now(): Date;
  logger: Logger;
  loginThrottle?: LoginThrottleOptions;
  /** `/admin/softphone`; absent outside the web role, where the page says so. */
  softphone?: SoftphoneDependencies;
}
