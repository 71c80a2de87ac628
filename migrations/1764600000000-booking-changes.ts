import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A NOTIFY on channel `bookings` (payload: the business id) whenever a booking's time, staff
 * member or status changes, delivered when the transaction commits, so every web process can
 * drop its in-memory copy of that business's blocked times (src/scheduling/blocked-times-cache.ts)
 * at once, whichever process or tool wrote the change. A TRUNCATE notifies an empty payload:
 * every business. Identical notifications of one transaction are folded into one by Postgres.
 */
export class BookingChanges1764600000000 implements MigrationInterface {
  name = 'BookingChanges1764600000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE FUNCTION bookings_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'TRUNCATE' THEN
          PERFORM pg_notify('bookings', '');
        ELSIF TG_OP = 'DELETE' THEN
          PERFORM pg_notify('bookings', OLD.business_id);
        ELSE
          PERFORM pg_notify('bookings', NEW.business_id);
          IF TG_OP = 'UPDATE' AND OLD.business_id <> NEW.business_id THEN
            PERFORM pg_notify('bookings', OLD.business_id);
          END IF;
        END IF;
        RETURN NULL;
      END
      $$`);
    await db.query(`
      CREATE TRIGGER bookings_notify
        AFTER INSERT OR DELETE OR UPDATE OF during, status, staff_id, business_id ON bookings
        FOR EACH ROW EXECUTE FUNCTION bookings_notify()`);
    await db.query(`CREATE TRIGGER bookings_truncate_notify AFTER TRUNCATE ON bookings FOR EACH STATEMENT EXECUTE FUNCTION bookings_notify()`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TRIGGER bookings_truncate_notify ON bookings`);
    await db.query(`DROP TRIGGER bookings_notify ON bookings`);
    await db.query(`DROP FUNCTION bookings_notify()`);
  }
}
