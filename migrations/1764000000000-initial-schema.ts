import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The whole first schema (DESIGN §4). Written as explicit SQL so what runs in production is
 * exactly what a reviewer reads; TypeORM's synchronize is never used.
 */
export class InitialSchema1764000000000 implements MigrationInterface {
  name = 'InitialSchema1764000000000';

  async up(db: QueryRunner): Promise<void> {
    // btree_gist lets one EXCLUDE constraint mix equality on staff_id with range overlap.
    await db.query(`CREATE EXTENSION IF NOT EXISTS btree_gist`);

    await db.query(`
      CREATE TABLE businesses (
        id          text PRIMARY KEY CHECK (id ~ '^[a-z0-9-]+$'),
        name        text NOT NULL,
        time_zone   text NOT NULL,
        settings    jsonb NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now(),
        updated_at  timestamptz NOT NULL DEFAULT now()
      )`);

    // A call's To (or a text's To) finds its business here; one number routes to one business.
    await db.query(`
      CREATE TABLE business_phone_numbers (
        phone_number text PRIMARY KEY CHECK (phone_number ~ '^\\+[1-9][0-9]{6,14}$'),
        business_id  text NOT NULL REFERENCES businesses(id) ON DELETE CASCADE
      )`);

    await db.query(`
      CREATE TABLE services (
        id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        business_id           text NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
        key                   text NOT NULL,
        name                  text NOT NULL,
        duration_minutes      integer NOT NULL CHECK (duration_minutes > 0),
        buffer_before_minutes integer NOT NULL DEFAULT 0 CHECK (buffer_before_minutes >= 0),
        buffer_after_minutes  integer NOT NULL DEFAULT 0 CHECK (buffer_after_minutes >= 0),
        price_minor_units     integer CHECK (price_minor_units >= 0),
        currency              char(3),
        active                boolean NOT NULL DEFAULT true,
        UNIQUE (business_id, key)
      )`);

    await db.query(`
      CREATE TABLE staff (
        id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        business_id text NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
        key         text NOT NULL,
        name        text NOT NULL,
        active      boolean NOT NULL DEFAULT true,
        UNIQUE (business_id, key)
      )`);

    await db.query(`
      CREATE TABLE customers (
        id                        uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        business_id               text NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
        phone                     text CHECK (phone ~ '^\\+[1-9][0-9]{6,14}$'),
        name                      text,
        email                     text,
        opted_out_at              timestamptz,
        last_whatsapp_inbound_at  timestamptz,
        created_at                timestamptz NOT NULL DEFAULT now(),
        updated_at                timestamptz NOT NULL DEFAULT now(),
        UNIQUE (business_id, phone)
      )`);

    await db.query(`
      CREATE TABLE calls (
        id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        call_sid         text NOT NULL UNIQUE,
        business_id      text NOT NULL REFERENCES businesses(id),
        customer_id      uuid REFERENCES customers(id),
        from_number      text NOT NULL,
        to_number        text NOT NULL,
        direction        text NOT NULL DEFAULT 'inbound',
        status           text NOT NULL,
        outcome          text,
        media_mode       text NOT NULL CHECK (media_mode IN ('gather', 'stream')),
        turn_count       integer NOT NULL DEFAULT 0,
        duration_seconds integer,
        started_at       timestamptz NOT NULL DEFAULT now(),
        ended_at         timestamptz,
        updated_at       timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX calls_business_started ON calls (business_id, started_at DESC)`);

    await db.query(`
      CREATE TABLE call_turns (
        id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        call_id     uuid NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
        seq         integer NOT NULL,
        speaker     text NOT NULL CHECK (speaker IN ('caller', 'agent')),
        text        text NOT NULL,
        heard_text  text,
        interrupted boolean NOT NULL DEFAULT false,
        timings     jsonb NOT NULL DEFAULT '{}',
        started_at  timestamptz NOT NULL DEFAULT now(),
        ended_at    timestamptz,
        UNIQUE (call_id, seq)
      )`);

    await db.query(`
      CREATE TABLE conversations (
        id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        business_id     text NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
        customer_id     uuid NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
        channel         text NOT NULL CHECK (channel IN ('sms', 'whatsapp')),
        state           jsonb NOT NULL DEFAULT '{}',
        last_message_at timestamptz,
        created_at      timestamptz NOT NULL DEFAULT now(),
        updated_at      timestamptz NOT NULL DEFAULT now(),
        UNIQUE (business_id, customer_id, channel)
      )`);

    await db.query(`
      CREATE TABLE messages (
        id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        business_id     text NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
        conversation_id uuid REFERENCES conversations(id) ON DELETE SET NULL,
        customer_id     uuid REFERENCES customers(id) ON DELETE SET NULL,
        channel         text NOT NULL CHECK (channel IN ('sms', 'whatsapp', 'email')),
        direction       text NOT NULL CHECK (direction IN ('inbound', 'outbound')),
        message_sid     text UNIQUE,
        from_address    text NOT NULL,
        to_address      text NOT NULL,
        body            text NOT NULL DEFAULT '',
        status          text NOT NULL,
        error_code      text,
        created_at      timestamptz NOT NULL DEFAULT now(),
        updated_at      timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX messages_conversation_created ON messages (conversation_id, created_at)`);

    await db.query(`
      CREATE TABLE bookings (
        id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        business_id       text NOT NULL REFERENCES businesses(id),
        service_id        uuid NOT NULL REFERENCES services(id),
        staff_id          uuid NOT NULL REFERENCES staff(id),
        customer_id       uuid NOT NULL REFERENCES customers(id),
        during            tstzrange NOT NULL CHECK (NOT isempty(during) AND lower_inc(during) AND NOT upper_inc(during)),
        status            text NOT NULL DEFAULT 'confirmed' CHECK (status IN ('confirmed', 'cancelled')),
        channel           text NOT NULL CHECK (channel IN ('voice', 'sms', 'whatsapp', 'admin')),
        calendar_event_id text,
        late_cancellation boolean NOT NULL DEFAULT false,
        notes             text,
        created_at        timestamptz NOT NULL DEFAULT now(),
        updated_at        timestamptz NOT NULL DEFAULT now(),
        cancelled_at      timestamptz,
        -- Two live bookings of one staff member never overlap, whatever the application does;
        -- a violation is SQLSTATE 23P01, which the booking service turns into "slot taken".
        CONSTRAINT bookings_no_overlap
          EXCLUDE USING gist (staff_id WITH =, during WITH &&) WHERE (status <> 'cancelled')
      )`);
    await db.query(`CREATE INDEX bookings_customer ON bookings (customer_id, lower(during))`);
    await db.query(`CREATE INDEX bookings_business_start ON bookings (business_id, lower(during))`);

    // The idempotency ledger: the first answer to a provider's event is stored and replayed.
    await db.query(`
      CREATE TABLE webhook_events (
        id                    bigserial PRIMARY KEY,
        provider              text NOT NULL,
        event_id              text NOT NULL,
        route                 text NOT NULL,
        request_fingerprint   text NOT NULL,
        response_status       integer NOT NULL,
        response_content_type text NOT NULL,
        response_body         text NOT NULL,
        created_at            timestamptz NOT NULL DEFAULT now(),
        UNIQUE (provider, event_id)
      )`);

    // Work caused by a change is written in the change's own transaction; a relay hands it to
    // BullMQ with jobId = id. dedupe_key (e.g. "<booking id>:confirmation") makes a repeated
    // write of the same job a no-op, even for work that is not tied to a booking.
    await db.query(`
      CREATE TABLE outbox (
        id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        business_id  text NOT NULL REFERENCES businesses(id),
        booking_id   uuid REFERENCES bookings(id),
        kind         text NOT NULL,
        dedupe_key   text NOT NULL UNIQUE,
        payload      jsonb NOT NULL DEFAULT '{}',
        status       text NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'queued', 'sending', 'sent', 'failed', 'cancelled')),
        attempts     integer NOT NULL DEFAULT 0,
        provider_id  text,
        last_error   text,
        available_at timestamptz NOT NULL DEFAULT now(),
        created_at   timestamptz NOT NULL DEFAULT now(),
        updated_at   timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX outbox_pending ON outbox (available_at) WHERE status = 'pending'`);
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of [
      'outbox',
      'webhook_events',
      'bookings',
      'messages',
      'conversations',
      'call_turns',
      'calls',
      'customers',
      'staff',
      'services',
      'business_phone_numbers',
      'businesses',
    ]) {
      await db.query(`DROP TABLE IF EXISTS ${table}`);
    }
    await db.query(`DROP EXTENSION IF EXISTS btree_gist`);
  }
}
