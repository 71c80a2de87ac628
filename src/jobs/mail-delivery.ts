import type { DataSource } from 'typeorm';
import type { MailSender, OutboundMail } from '../channels/senders/mail-sender.js';
import { MessageRejectedError, provesNothingWasSent } from '../channels/senders/send-errors.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { PermanentDeliveryError, RowBusyError, type AttemptInfo } from './delivery-errors.js';
import { claimOutboxRow, markFinished, markOutcomeUnknown, markSent, releaseForRetry } from './outbox-claim.js';
import type { DeliveryResult } from './text-delivery.js';

export interface MailDeliveryDependencies {
  dataSource: DataSource;
  mail: MailSender;
  logger: Logger;
  metrics: Pick<Metrics, 'messagesSentTotal'>;
  leaseMs: number;
}

/**
 * Delivers one `email` outbox row. SMTP offers no way to ask whether an interrupted send arrived,
 * so a takeover sends again; the Message-ID is the row's, so the copy is the same message to a
 * mail client and the same file for the `.eml` stand-in.
 */
export async function deliverMail(deps: MailDeliveryDependencies, outboxId: string, attempt: AttemptInfo): Promise<DeliveryResult> {
  const claim = await claimOutboxRow(deps.dataSource, outboxId, deps.leaseMs);
  if (claim.state === 'done') return 'skipped';
  if (claim.state === 'busy') throw new RowBusyError(outboxId);
  const row = claim.row;
  const mail = row.payload as unknown as OutboundMail;
  try {
    const result = await deps.mail.send(mail);
    await markSent(deps.dataSource, row.id, result.providerId);
    deps.metrics.messagesSentTotal.inc({ channel: 'email', result: 'sent' });
    return 'sent';
  } catch (error) {
    deps.metrics.messagesSentTotal.inc({ channel: 'email', result: 'failed' });
    const reason = (error as Error).message;
    deps.logger.warn({ err: error, outboxId, attempts: row.attempts }, 'email not sent');
    if (error instanceof MessageRejectedError && !error.retryable) {
      await markFinished(deps.dataSource, row.id, 'failed', `${error.name}: ${reason}`);
      throw new PermanentDeliveryError(reason, { cause: error });
    }
    if (attempt.lastAttempt) await markFinished(deps.dataSource, row.id, 'failed', `gave up: ${reason}`);
    else if (provesNothingWasSent(error)) await releaseForRetry(deps.dataSource, row.id, reason);
    else await markOutcomeUnknown(deps.dataSource, row.id, deps.leaseMs, reason);
    throw error;
  }
}
