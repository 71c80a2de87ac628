import type { DataSource } from 'typeorm';
import type { SmsSender, WhatsAppSender, SmsMessage, WhatsAppMessage } from '../channels/senders/text-sender.js';
import { MessageRejectedError, RecipientOptedOutError, provesNothingWasSent } from '../channels/senders/send-errors.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { PermanentDeliveryError, RowBusyError, type AttemptInfo } from './delivery-errors.js';
import { claimOutboxRow, markFinished, markOutcomeUnknown, markSent, releaseForRetry, type ClaimedRow } from './outbox-claim.js';

export interface TextDeliveryDependencies {
  dataSource: DataSource;
  senders: { sms: SmsSender; whatsapp: WhatsAppSender };
  logger: Logger;
  metrics: Pick<Metrics, 'messagesSentTotal'>;
  /** How long a claim holds a row before another worker may take it over, in ms. */
  leaseMs: number;
  /** Where Twilio posts delivery status (PUBLIC_URL + /twilio/message-status); absent: none. */
  statusCallbackUrl?: string | undefined;
}

export type DeliveryResult = 'sent' | 'not_sent' | 'skipped';

interface TextPayload {
  to: string;
  from: string;
  body: string;
  template?: { contentSid: string; variables: Record<string, string> };
  customerId?: string;
}

/**
 * Delivers one `sms` or `whatsapp` outbox row: claim it, refuse opted-out numbers, check with
 * Twilio first when an earlier attempt's outcome is unknown, send once, then record the
 * MessageSid on the row and the text in `messages` in one transaction.
 */
export async function deliverText(
  deps: TextDeliveryDependencies,
  channel: 'sms' | 'whatsapp',
  outboxId: string,
  attempt: AttemptInfo,
): Promise<DeliveryResult> {
  const claim = await claimOutboxRow(deps.dataSource, outboxId, deps.leaseMs);
  if (claim.state === 'done') return 'skipped';
  if (claim.state === 'busy') throw new RowBusyError(outboxId);
  const row = claim.row;
  const payload = row.payload as unknown as TextPayload;
  const count = (result: 'sent' | 'failed' | 'not_sent' | 'skipped') => deps.metrics.messagesSentTotal.inc({ channel, result });

  if (await isOptedOut(deps.dataSource, row.businessId, payload.to)) {
    await markFinished(deps.dataSource, row.id, 'cancelled', 'recipient opted out');
    count('skipped');
    throw new PermanentDeliveryError('recipient opted out; text not sent');
  }
  const sender = textSender(deps, channel, payload);

  if (row.takeover) {
    const found = await checkEarlierAttempt(deps, row, () => sender.findSent(row.createdAt));
    if (found) {
      deps.logger.info({ outboxId, channel }, 'an earlier attempt of unknown outcome did send the text; not sending again');
      await recordSent(deps.dataSource, row, channel, payload, found, 'queued');
      count('sent');
      return 'sent';
    }
  }

  let result;
  try {
    result = await sender.send();
  } catch (error) {
    await recordFailure(deps, row, payload, error, attempt);
    count('failed');
    throw error instanceof MessageRejectedError && !error.retryable
      ? new PermanentDeliveryError(error.message, { cause: error })
      : error;
  }
  if (!result.sent) {
    await deps.dataSource.transaction(async (manager) => {
      await markFinished(manager, row.id, 'cancelled', 'not sent: no Twilio account configured');
      await insertMessage(manager, row, channel, payload, null, 'not_sent');
    });
    count('not_sent');
    return 'not_sent';
  }
  await recordSent(deps.dataSource, row, channel, payload, result.providerId, result.providerStatus);
  count('sent');
  return 'sent';
}

/** Asks the provider about an earlier attempt; if it cannot answer, the next attempt asks again rather than sending. */
async function checkEarlierAttempt(
  deps: TextDeliveryDependencies,
  row: ClaimedRow,
  findSent: () => Promise<string | undefined>,
): Promise<string | undefined> {
  try {
    return await findSent();
  } catch (error) {
    await markOutcomeUnknown(deps.dataSource, row.id, deps.leaseMs, `could not check with the provider: ${(error as Error).message}`);
    throw error;
  }
}

async function recordFailure(
  deps: TextDeliveryDependencies,
  row: ClaimedRow,
  payload: TextPayload,
  error: unknown,
  attempt: AttemptInfo,
): Promise<void> {
  const reason = (error as Error).message;
  if (error instanceof RecipientOptedOutError) {
    // Twilio knows the customer said STOP: our own list agrees from now on (issue 6 §5).
    await deps.dataSource.query(
      `UPDATE customers SET opted_out_at = coalesce(opted_out_at, now()), updated_at = now()
        WHERE business_id = $1 AND phone = $2`,
      [row.businessId, payload.to],
    );
  }
  if (error instanceof MessageRejectedError && !error.retryable) {
    await markFinished(deps.dataSource, row.id, 'failed', `${error.name}: ${reason}`);
  } else if (attempt.lastAttempt) {
    await markFinished(deps.dataSource, row.id, 'failed', `gave up: ${reason}`);
  } else if (provesNothingWasSent(error)) {
    await releaseForRetry(deps.dataSource, row.id, reason);
  } else {
    await markOutcomeUnknown(deps.dataSource, row.id, deps.leaseMs, reason);
  }
  deps.logger.warn({ err: error, outboxId: row.id, attempts: row.attempts }, 'text not sent');
}

async function isOptedOut(dataSource: DataSource, businessId: string, phone: string): Promise<boolean> {
  const rows: { opted_out: boolean }[] = await dataSource.query(
    `SELECT opted_out_at IS NOT NULL AS opted_out FROM customers WHERE business_id = $1 AND phone = $2`,
    [businessId, phone],
  );
  return rows[0]?.opted_out === true;
}

/** The row's text bound to its channel's sender, so the steps above need not know which channel it is. */
function textSender(deps: TextDeliveryDependencies, channel: 'sms' | 'whatsapp', payload: TextPayload) {
  const callback = deps.statusCallbackUrl ? { statusCallbackUrl: deps.statusCallbackUrl } : {};
  if (channel === 'sms') {
    const message: SmsMessage = { to: payload.to, from: payload.from, body: payload.body, ...callback };
    return { send: () => deps.senders.sms.send(message), findSent: (since: Date) => deps.senders.sms.findSent(message, since) };
  }
  const message: WhatsAppMessage = {
    to: payload.to,
    from: payload.from,
    ...(payload.template ? { template: payload.template } : { body: payload.body }),
    ...callback,
  };
  return { send: () => deps.senders.whatsapp.send(message), findSent: (since: Date) => deps.senders.whatsapp.findSent(message, since) };
}

async function recordSent(
  dataSource: DataSource,
  row: ClaimedRow,
  channel: 'sms' | 'whatsapp',
  payload: TextPayload,
  providerId: string,
  providerStatus: string,
): Promise<void> {
  await dataSource.transaction(async (manager) => {
    await markSent(manager, row.id, providerId);
    await insertMessage(manager, row, channel, payload, providerId, providerStatus);
  });
}

/** The outbound text in the conversation's history; a status callback later moves its status on. */
async function insertMessage(
  manager: Pick<DataSource, 'query'>,
  row: ClaimedRow,
  channel: 'sms' | 'whatsapp',
  payload: TextPayload,
  providerId: string | null,
  status: string,
): Promise<void> {
  await manager.query(
    `INSERT INTO messages (business_id, conversation_id, customer_id, channel, direction, message_sid,
                           from_address, to_address, body, status)
     VALUES ($1,
             (SELECT id FROM conversations WHERE business_id = $1 AND customer_id = $2 AND channel = $3),
             $2, $3, 'outbound', $4, $5, $6, $7, $8)
     ON CONFLICT (message_sid) DO NOTHING`,
    [row.businessId, payload.customerId ?? null, channel, providerId, payload.from, payload.to, payload.body, status],
  );
}
