import { EntitySchema } from 'typeorm';
import { createdAt, integer, text, timestamp, updatedAt, uuid, uuidPrimary } from './columns.js';

export type OutboxStatus = 'pending' | 'queued' | 'sending' | 'sent' | 'failed' | 'cancelled';

export interface OutboxRow {
  id: string;
  businessId: string;
  bookingId: string | null;
  /** What to do: `sms`, `whatsapp`, `email`, `calendar-sync`, `reminder`, ... */
  kind: string;
  /** Unique: writing the same job twice is a no-op (e.g. `<booking id>:confirmation`). */
  dedupeKey: string;
  payload: Record<string, unknown>;
  status: OutboxStatus;
  attempts: number;
  /** The provider's id once sent (MessageSid, SMTP message id, calendar event id). */
  providerId: string | null;
  lastError: string | null;
  availableAt: Date;
  createdAt: Date;
  updatedAt: Date;
}

export const OutboxEntity = new EntitySchema<OutboxRow>({
  name: 'Outbox',
  tableName: 'outbox',
  columns: {
    id: uuidPrimary,
    businessId: text('business_id'),
    bookingId: uuid('booking_id', true),
    kind: text('kind'),
    dedupeKey: text('dedupe_key'),
    payload: { type: 'jsonb' },
    status: text('status'),
    attempts: integer('attempts'),
    providerId: text('provider_id', true),
    lastError: text('last_error', true),
    availableAt: timestamp('available_at'),
    createdAt,
    updatedAt,
  },
});
