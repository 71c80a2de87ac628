import { EntitySchema } from 'typeorm';
import { createdAt, integer, text } from './columns.js';

/** One row per provider event answered: the idempotency ledger. */
export interface WebhookEventRow {
  id: string;
  provider: string;
  eventId: string;
  route: string;
  /** SHA-256 of the verified parameters; a replay with other parameters is logged. */
  requestFingerprint: string;
  responseStatus: number;
  responseContentType: string;
  responseBody: string;
  createdAt: Date;
}

export const WebhookEventEntity = new EntitySchema<WebhookEventRow>({
  name: 'WebhookEvent',
  tableName: 'webhook_events',
  columns: {
    id: { type: 'bigint', primary: true, generated: 'increment' },
    provider: text('provider'),
    eventId: text('event_id'),
    route: text('route'),
    requestFingerprint: text('request_fingerprint'),
    responseStatus: integer('response_status'),
    responseContentType: text('response_content_type'),
    responseBody: text('response_body'),
    createdAt,
  },
});
