import { loadBusinesses } from '../../src/config/load-businesses.js';
import type { Business } from '../../src/config/business-schema.js';

/** The shipped example businesses, found by what makes each one distinct. */
export function exampleBusinesses(): { salon: Business; dental: Business } {
  const all = loadBusinesses('config/businesses');
  const salon = all.find((business) => business.timeZone === 'America/New_York');
  const dental = all.find((business) => business.timeZone === 'Europe/London');
  if (!salon || !dental) throw new Error('config/businesses must hold the New York salon and the London dental practice');
  return { salon, dental };
}
