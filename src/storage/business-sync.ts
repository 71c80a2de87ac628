import type { DataSource, EntityManager } from 'typeorm';
import type { Business } from '../config/business-schema.js';

/** Minor units per major unit for a currency (JPY has none, most have 100). */
function minorUnits(currency: string): number {
  const digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  return 10 ** digits;
}

/**
 * Upserts the business files into the database at start. Services and staff keep their row ids
 * across restarts (keyed by their id in the file); ones removed from a file are marked inactive
 * rather than deleted, because past bookings still point at them. Phone numbers are replaced, so
 * a number moved to another business routes there at once.
 */
export async function syncBusinesses(dataSource: DataSource, businesses: readonly Business[]): Promise<void> {
  await dataSource.transaction(async (manager) => {
    for (const business of businesses) await syncBusiness(manager, business);
  });
}

async function syncBusiness(manager: EntityManager, business: Business): Promise<void> {
  await manager.query(
    `INSERT INTO businesses (id, name, time_zone, settings) VALUES ($1, $2, $3, $4)
     ON CONFLICT (id) DO UPDATE SET name = $2, time_zone = $3, settings = $4, updated_at = now()`,
    [business.id, business.name, business.timeZone, JSON.stringify(business)],
  );

  await manager.query(`DELETE FROM business_phone_numbers WHERE business_id = $1 OR phone_number = ANY($2)`, [
    business.id,
    business.phoneNumbers,
  ]);
  for (const phoneNumber of business.phoneNumbers) {
    await manager.query(`INSERT INTO business_phone_numbers (phone_number, business_id) VALUES ($1, $2)`, [
      phoneNumber,
      business.id,
    ]);
  }

  for (const service of business.services) {
    const price = service.price
      ? [Math.round(service.price.amount * minorUnits(service.price.currency)), service.price.currency]
      : [null, null];
    await manager.query(
      `INSERT INTO services (business_id, key, name, duration_minutes, buffer_before_minutes, buffer_after_minutes,
                             price_minor_units, currency, active)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, true)
       ON CONFLICT (business_id, key) DO UPDATE SET name = $3, duration_minutes = $4, buffer_before_minutes = $5,
         buffer_after_minutes = $6, price_minor_units = $7, currency = $8, active = true`,
      [
        business.id,
        service.id,
        service.name,
        service.durationMinutes,
        service.bufferBeforeMinutes,
        service.bufferAfterMinutes,
        ...price,
      ],
    );
  }
  await manager.query(`UPDATE services SET active = false WHERE business_id = $1 AND NOT (key = ANY($2))`, [
    business.id,
    business.services.map((service) => service.id),
  ]);

  for (const member of business.staff) {
    await manager.query(
      `INSERT INTO staff (business_id, key, name, active) VALUES ($1, $2, $3, true)
       ON CONFLICT (business_id, key) DO UPDATE SET name = $3, active = true`,
      [business.id, member.id, member.name],
    );
  }
  await manager.query(`UPDATE staff SET active = false WHERE business_id = $1 AND NOT (key = ANY($2))`, [
    business.id,
    business.staff.map((member) => member.id),
  ]);
}
