import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { loadBusinesses } from '../../src/config/load-businesses.js';
import { queueNames, redisConnection } from '../../src/jobs/queues.js';
import { syncBusinesses } from '../../src/storage/business-sync.js';
import { startFakeSmtp, type FakeSmtp } from '../fakes/smtp.js';
import { startFakeTwilioRest, type FakeTwilioRest } from '../fakes/twilio-rest.js';
import { TEST_REDIS } from '../jobs/job-harness.js';
import { exampleBusinesses } from '../support/businesses.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { fakeVendorEnv } from '../support/vendor-env.js';
import { BookingDesk } from './kill-booking-desk.js';
import { childCommand, KillChildPool } from './kill-child-pool.js';
import type { KillChildConfig } from './kill-child.js';
import { report, waitUntil } from './support.js';

/** SIGKILLs; the row asks for 100. */
const ROUNDS = Number(process.env.KILL_ROUNDS ?? 100);
/** Bookings asked for in each round (a kill can land in several at once). */
const PER_ROUND = 2;
/** Processes loaded ahead; each costs about 0.7 s of CPU to load. */
const WARM = Number(process.env.KILL_WARM ?? 2);
/** Twilio's answer is held this long in `send` rounds, so a kill finds the request in flight. */
const SEND_LATENCY_MS = 400;
/** How long after a booking commits a kill may land in `enqueue` rounds (relay, compose, relay again). */
const ENQUEUE_WINDOW_MS = 120;
/** Lease and BullMQ lock of the killed processes (production: 120 s and 30 s). */
const LEASE_MS = 2000;
const LOCK_MS = 1000;
const DRAIN_MS = 120_000;

type Boundary = 'commit' | 'enqueue' | 'send';
const BOUNDARIES: Boundary[] = ['commit', 'enqueue', 'send'];

const { salon } = exampleBusinesses();
const SERVICE = 'womens-cut'; // an hour, done by three stylists
const CONFIRMATION = /^.+: you're booked for /;
/**
 * The outbox kinds a confirmation passes through. Calendar-sync rows also die with the process,
 * but their takeover waits 5 minutes by design (src/jobs/calendar-sync.ts), and with the local
 * calendar they mirror nothing.
 */
const NOTICES = `('confirmation', 'sms', 'email')`;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits for `check` up to `ms`; false when it never held (the kill then lands anyway). */
async function within(check: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await pause(5);
  }
  return true;
}

/** What one kill found, read the moment the process was dead (nothing else was running). */
interface KillFindings {
  bookingsInFlight: number;
  /** Committed outbox rows the relay had not handed to BullMQ (or had, without marking them). */
  notEnqueued: number;
  /** Twilio requests the fake had received and not yet answered. */
  twilioInFlight: number;
  /** Email rows this process had claimed and not finished. */
  emailsInFlight: number;
}

interface Tally {
  bookings: number;
  confirmations: number;
  once: number;
  lost: number;
  duplicates: number;
  orphans: number;
  killedInFlight: number;
  rolledBack: number;
  toRolledBack: number;
  otherTexts: number;
  withEmail: number;
  emailedOnce: number;
  emailOrphans: number;
  emailCopies: number;
  outbox: { sms_sent: number; sms_sids: number; sms_retried: number; unfinished: number };
}

describe('faults #6: kill -9 at the commit, enqueue and send boundaries', function () {
  this.timeout(900_000);
  let db: TestDatabase;
  let twilio: FakeTwilioRest;
  let smtp: FakeSmtp;
  let pool: KillChildPool;
  let command: ReturnType<typeof childCommand>;
  const prefix = `fd-faults6-${randomBytes(6).toString('hex')}`;

  before(async () => {
    db = await createTestDatabase();
    await syncBusinesses(db.dataSource, loadBusinesses('config/businesses'));
    twilio = await startFakeTwilioRest();
    smtp = await startFakeSmtp();
    command = childCommand();
    const config: KillChildConfig = {
      env: {
        DATABASE_URL: db.url,
        REDIS_URL: TEST_REDIS,
        SMTP_URL: smtp.url,
        MAIL_FROM: `${salon.name} <frontdesk@salon.test>`,
        LOG_LEVEL: process.env.KILL_CHILD_LOG_LEVEL ?? 'error',
        ...fakeVendorEnv({ twilio }),
      },
      prefix,
      businessId: salon.id,
      serviceId: SERVICE,
      leaseMs: LEASE_MS,
      lockDurationMs: LOCK_MS,
    };
    pool = new KillChildPool(command.args, config, WARM);
  });

  after(async () => {
    await pool?.close();
    command?.cleanup();
    for (const name of queueNames) {
      const queue = new Queue(name, { connection: redisConnection(TEST_REDIS), prefix });
      await queue.obliterate({ force: true });
      await queue.close();
    }
    await twilio?.close();
    await smtp?.close();
    await db?.drop();
  });

  const messagePosts = () => twilio.requests.filter((request) => request.method === 'POST' && request.path.endsWith('/Messages.json')).length;

  /** Starts a process, asks it for bookings, and kills it at a moment aimed at `aim`. */
  async function killRound(desk: BookingDesk, aim: Boundary): Promise<KillFindings> {
    twilio.latencyMs = aim === 'send' ? SEND_LATENCY_MS : 0;
    const child = await pool.take();
    const startedAt = new Date();
    desk.follow(child);
    const posts = messagePosts();
    const mine = Array.from({ length: PER_ROUND }, () => desk.book(child));
    if (aim === 'commit') {
      // From the moment the first booking starts: before BEGIN, inside the transaction, or just
      // after COMMIT, spread over one and a half typical bookings.
      await within(() => mine.some((request) => request.state !== 'sent'), 5000);
      await pause(Math.random() * 1.5 * desk.typicalBookingMs());
    } else if (aim === 'enqueue') {
      await within(() => mine.some((request) => request.state === 'booked'), 5000);
      await pause(Math.random() * ENQUEUE_WINDOW_MS);
    } else {
      await within(() => messagePosts() > posts, 5000);
      await pause(Math.random() * SEND_LATENCY_MS * 0.9);
    }
    await child.kill();
    // The fake creates a message when it answers, so a request it holds is one in flight.
    const twilioInFlight = messagePosts() - twilio.messages.length;
    const inFlight = mine.filter((request) => request.state === 'sent' || request.state === 'booking');
    for (const request of inFlight) request.killedInFlight = true;
    const [frozen] = await db.dataSource.query(
      `SELECT count(*) FILTER (WHERE status = 'pending')::int AS pending,
              count(*) FILTER (WHERE status = 'sending' AND kind = 'email' AND updated_at >= $1)::int AS emails
         FROM outbox WHERE kind IN ${NOTICES}`,
      [startedAt],
    );
    return { bookingsInFlight: inFlight.length, notEnqueued: frozen.pending, twilioInFlight, emailsInFlight: frozen.emails };
  }

  /** One survivor runs until every notice row is finished; returns how long that took (ms). */
  async function drain(): Promise<number> {
    twilio.latencyMs = 0;
    const startedAt = Date.now();
    const survivor = await pool.take();
    const unfinished = `SELECT id, kind, status, attempts, last_error, updated_at FROM outbox
                         WHERE kind IN ${NOTICES} AND status IN ('pending', 'queued', 'sending')`;
    try {
      await waitUntil(async () => (await db.dataSource.query(unfinished)).length === 0, DRAIN_MS, 'the survivor to drain the outbox');
    } catch (error) {
      console.error('      outbox rows left:', await db.dataSource.query(unfinished));
      throw error;
    }
    const drainedMs = Date.now() - startedAt;
    await pause(1000); // room for a late duplicate to show up
    await survivor.kill();
    return drainedMs;
  }

  /** Confirmations received by the fakes against the bookings the database holds. */
  async function tally(desk: BookingDesk): Promise<Tally> {
    const bookings: { phone: string; email: string | null }[] = await db.dataSource.query(
      `SELECT c.phone, c.email FROM bookings b JOIN customers c ON c.id = b.customer_id WHERE b.status <> 'cancelled'`,
    );
    const bookedPhones = new Set(bookings.map((booking) => booking.phone));
    const confirmations = twilio.messages.filter((message) => CONFIRMATION.test(message.body ?? ''));
    const textsTo = new Map<string, number>();
    for (const message of confirmations) textsTo.set(message.to, (textsTo.get(message.to) ?? 0) + 1);
    const killedInFlight = desk.killedInFlight();
    const rolledBack = killedInFlight.filter((request) => !bookedPhones.has(request.phone));

    // One Message-ID per booking with an address. SMTP cannot be asked whether an interrupted
    // send arrived, so a kill mid-SMTP may send the same message (same Message-ID) again.
    const withEmail = bookings.filter((booking) => booking.email).map((booking) => booking.email!);
    const idsTo = new Map<string, Set<string>>();
    for (const mail of smtp.mails) {
      for (const to of mail.rcptTo) idsTo.set(to, (idsTo.get(to) ?? new Set()).add(mail.header('message-id') ?? ''));
    }
    const [outbox] = await db.dataSource.query(
      `SELECT count(*) FILTER (WHERE kind = 'sms' AND status = 'sent')::int AS sms_sent,
              count(DISTINCT provider_id) FILTER (WHERE kind = 'sms')::int AS sms_sids,
              count(*) FILTER (WHERE kind = 'sms' AND attempts > 1)::int AS sms_retried,
              count(*) FILTER (WHERE kind IN ${NOTICES} AND status <> 'sent')::int AS unfinished
         FROM outbox`,
    );
    const textsOf = (phone: string) => textsTo.get(phone) ?? 0;
    return {
      bookings: bookings.length,
      confirmations: confirmations.length,
      once: bookings.filter((booking) => textsOf(booking.phone) === 1).length,
      lost: bookings.filter((booking) => textsOf(booking.phone) === 0).length,
      duplicates: bookings.reduce((sum, booking) => sum + Math.max(0, textsOf(booking.phone) - 1), 0),
      orphans: confirmations.filter((message) => !bookedPhones.has(message.to)).length,
      killedInFlight: killedInFlight.length,
      rolledBack: rolledBack.length,
      toRolledBack: rolledBack.reduce((sum, request) => sum + textsOf(request.phone), 0),
      otherTexts: twilio.messages.length - confirmations.length,
      withEmail: withEmail.length,
      emailedOnce: withEmail.filter((email) => idsTo.get(email)?.size === 1).length,
      emailOrphans: smtp.mails.filter((mail) => mail.rcptTo.some((to) => !withEmail.includes(to))).length,
      emailCopies: smtp.mails.length - [...idsTo.values()].reduce((sum, ids) => sum + ids.size, 0),
      outbox,
    };
  }

  it(`${ROUNDS} kills: every committed booking is confirmed exactly once, none rolled back is`, async () => {
    const startedAt = Date.now();
    const desk = new BookingDesk(salon.timeZone);
    const aimed: Record<Boundary, number> = { commit: 0, enqueue: 0, send: 0 };
    const caught: Record<Boundary, number> = { commit: 0, enqueue: 0, send: 0 };
    let twilioCaught = 0;
    let emailsCaught = 0;
    for (let round = 0; round < ROUNDS; round += 1) {
      const aim = BOUNDARIES[round % BOUNDARIES.length]!;
      aimed[aim] += 1;
      const found = await killRound(desk, aim);
      if (found.bookingsInFlight > 0) caught.commit += 1;
      if (found.notEnqueued > 0) caught.enqueue += 1;
      if (found.twilioInFlight + found.emailsInFlight > 0) caught.send += 1;
      if (found.twilioInFlight > 0) twilioCaught += 1;
      emailsCaught += found.emailsInFlight;
    }
    const killedMs = Date.now() - startedAt;
    const drainedMs = await drain();
    const t = await tally(desk);

    report(
      6,
      `${ROUNDS} kills in ${Math.round(killedMs / 1000)} s (aimed at commit ${aimed.commit}, enqueue ${aimed.enqueue}, send ${aimed.send}; ` +
        `caught a booking in flight ${caught.commit}, committed rows not yet enqueued ${caught.enqueue}, a send in flight ${caught.send}: Twilio ${twilioCaught}, email ${emailsCaught}); ` +
        `bookings asked ${desk.asked.size}, committed ${t.bookings}; killed in flight ${t.killedInFlight}: committed ${t.killedInFlight - t.rolledBack}, rolled back ${t.rolledBack}; ` +
        `confirmation texts sent ${t.confirmations} = committed bookings ${t.bookings}: once ${t.once}, lost ${t.lost}, duplicates ${t.duplicates}, orphans ${t.orphans}, ` +
        `to rolled-back ${t.toRolledBack} (text rows tried more than once ${t.outbox.sms_retried}); emails once by Message-ID ${t.emailedOnce}/${t.withEmail}, ` +
        `orphans ${t.emailOrphans}, same-Message-ID copies resent after a kill mid-SMTP ${t.emailCopies}; drained ${Math.round(drainedMs / 1000)} s after the last kill`,
    );
    assert.equal(t.lost, 0, 'every committed booking got its confirmation text');
    assert.equal(t.duplicates, 0, 'no booking got two confirmation texts');
    assert.equal(t.orphans, 0, 'no confirmation without a committed booking');
    assert.equal(t.toRolledBack, 0);
    assert.equal(t.confirmations, t.bookings);
    assert.equal(t.otherTexts, 0, 'only confirmations are texted');
    assert.equal(t.outbox.sms_sent, t.bookings);
    assert.equal(t.outbox.sms_sids, t.bookings, 'each text row holds its own MessageSid');
    assert.equal(t.outbox.unfinished, 0);
    assert.equal(t.emailedOnce, t.withEmail, 'every booking with an address got its email (one Message-ID)');
    assert.equal(t.emailOrphans, 0);
    assert.ok(t.emailCopies <= emailsCaught, `email copies ${t.emailCopies} ≤ email sends killed in flight ${emailsCaught}`);
    assert.ok(t.bookings > 0, 'the rounds book');
    if (ROUNDS >= 30) {
      // Else the test proves nothing about the boundaries it names.
      for (const boundary of BOUNDARIES) assert.ok(caught[boundary] > 0, `no kill caught the ${boundary} boundary`);
      assert.ok(twilioCaught > 0, 'no kill caught a Twilio request in flight');
      assert.ok(t.rolledBack > 0, 'no kill rolled a booking back');
    }
  });
});
