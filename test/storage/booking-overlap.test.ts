import assert from 'node:assert/strict';
import type { EntityManager } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

/**
 * The bookings EXCLUDE constraint is the no-double-booking guarantee; these tests go straight
 * at the table so they prove the database, not the application, refuses overlaps.
 */
describe('bookings exclusion constraint', () => {
  let db: TestDatabase;
  let ids: { service: string; anna: string; ben: string; customer: string };

  before(async () => {
    db = await createTestDatabase();
    const q = (sql: string, params: unknown[] = []) => db.dataSource.query(sql, params);
    await q(`INSERT INTO businesses (id, name, time_zone, settings) VALUES ('b', 'B', 'UTC', '{}')`);
    const [service] = await q(
      `INSERT INTO services (business_id, key, name, duration_minutes) VALUES ('b', 'cut', 'Cut', 30) RETURNING id`,
    );
    const [anna] = await q(`INSERT INTO staff (business_id, key, name) VALUES ('b', 'anna', 'Anna') RETURNING id`);
    const [ben] = await q(`INSERT INTO staff (business_id, key, name) VALUES ('b', 'ben', 'Ben') RETURNING id`);
    const [customer] = await q(`INSERT INTO customers (business_id, phone) VALUES ('b', '+12125550100') RETURNING id`);
    ids = { service: service.id, anna: anna.id, ben: ben.id, customer: customer.id };
  });
  after(async () => db.drop());
  afterEach(async () => db.dataSource.query('DELETE FROM bookings'));

  async function book(staffId: string, from: string, to: string, manager: EntityManager = db.dataSource.manager) {
    const [row] = await manager.query(
      `INSERT INTO bookings (business_id, service_id, staff_id, customer_id, during, starts_at, ends_at, channel)
       VALUES ('b', $1, $2, $3, tstzrange($4, $5, '[)'), $4, $5, 'voice') RETURNING id`,
      [ids.service, staffId, ids.customer, from, to],
    );
    return row.id as string;
  }

  async function sqlState(promise: Promise<unknown>): Promise<string | undefined> {
    try {
      await promise;
      return undefined;
    } catch (error) {
      return (error as { driverError?: { code?: string }; code?: string }).driverError?.code ?? (error as { code?: string }).code;
    }
  }

  it('refuses an overlapping live booking of the same staff member with 23P01', async () => {
    await book(ids.anna, '2026-12-01T14:00Z', '2026-12-01T14:30Z');
    assert.equal(await sqlState(book(ids.anna, '2026-12-01T14:15Z', '2026-12-01T14:45Z')), '23P01');
    assert.equal(await sqlState(book(ids.anna, '2026-12-01T13:00Z', '2026-12-01T15:00Z')), '23P01');
  });

  it('accepts back-to-back bookings (ranges are half-open)', async () => {
    await book(ids.anna, '2026-12-01T14:00Z', '2026-12-01T14:30Z');
    await book(ids.anna, '2026-12-01T14:30Z', '2026-12-01T15:00Z');
    await book(ids.anna, '2026-12-01T13:30Z', '2026-12-01T14:00Z');
  });

  it('accepts the same time for different staff members', async () => {
    await book(ids.anna, '2026-12-01T14:00Z', '2026-12-01T14:30Z');
    await book(ids.ben, '2026-12-01T14:00Z', '2026-12-01T14:30Z');
  });

  it('frees the range when a booking is cancelled', async () => {
    const first = await book(ids.anna, '2026-12-01T14:00Z', '2026-12-01T14:30Z');
    await db.dataSource.query(`UPDATE bookings SET status = 'cancelled', cancelled_at = now() WHERE id = $1`, [first]);
    await book(ids.anna, '2026-12-01T14:00Z', '2026-12-01T14:30Z');
  });

  it('lets exactly one of many concurrent overlapping inserts win', async () => {
    const attempts = await Promise.allSettled(
      Array.from({ length: 15 }, (_, i) =>
        db.dataSource.transaction((manager) =>
          book(ids.anna, `2026-12-02T10:${String(i).padStart(2, '0')}Z`, '2026-12-02T11:00Z', manager),
        ),
      ),
    );
    assert.equal(attempts.filter((attempt) => attempt.status === 'fulfilled').length, 1);
    const [{ count }] = await db.dataSource.query(
      `SELECT count(*)::int AS count FROM bookings a JOIN bookings b
         ON a.id < b.id AND a.staff_id = b.staff_id AND a.during && b.during
       WHERE a.status <> 'cancelled' AND b.status <> 'cancelled'`,
    );
    assert.equal(count, 0);
  });
});
