import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Buffers belong to the no-double-booking guarantee too: `during` becomes the range a booking
 * keeps its staff member busy (appointment plus buffers before and after), which the EXCLUDE
 * constraint already guards, and the appointment itself moves to `starts_at`/`ends_at`.
 * A request repeated in one conversation is found by (customer, service, starts_at).
 */
export class BookingAppointmentTimes1764100000000 implements MigrationInterface {
  name = 'BookingAppointmentTimes1764100000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE bookings ADD COLUMN starts_at timestamptz, ADD COLUMN ends_at timestamptz`);
    await db.query(`UPDATE bookings SET starts_at = lower(during), ends_at = upper(during)`);
    await db.query(`
      ALTER TABLE bookings
        ALTER COLUMN starts_at SET NOT NULL,
        ALTER COLUMN ends_at SET NOT NULL,
        ADD CONSTRAINT bookings_appointment_inside_blocked_range
          CHECK (starts_at < ends_at AND starts_at >= lower(during) AND ends_at <= upper(during))`);
    await db.query(`CREATE INDEX bookings_customer_service_start ON bookings (customer_id, service_id, starts_at)
                    WHERE status <> 'cancelled'`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX bookings_customer_service_start`);
    await db.query(`ALTER TABLE bookings DROP CONSTRAINT bookings_appointment_inside_blocked_range`);
    await db.query(`ALTER TABLE bookings DROP COLUMN starts_at, DROP COLUMN ends_at`);
  }
}
