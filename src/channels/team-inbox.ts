import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { Business } from '../config/business-schema.js';
import type { TeamInbox, TeamMessage } from '../dialog/policy/take-message.js';
import { writeOutbox, type OutboxEntry } from '../storage/outbox.js';
import type { OutboundMail } from './senders/mail-sender.js';
import { escapeHtml } from './senders/mail-html.js';

/**
 * Messages for a business's team go out through the outbox like every other promise we make:
 * emailed to the business's `teamEmail`, or texted to its forwarding number when it has no email.
 * A business with neither keeps the row (kind `team-message`) for the admin pages, and a warning
 * says why nothing was sent.
 */
export function createTeamInbox(dataSource: DataSource): TeamInbox {
  return {
    async leaveMessage(message: TeamMessage) {
      const business = message.business;
      // The same message left twice (a retried turn) is one message.
      const digest = createHash('sha256')
        .update(JSON.stringify([business.id, message.phone ?? '', message.name, message.reason]))
        .digest('hex')
        .slice(0, 32);
      await dataSource.transaction((manager) => writeOutbox(manager, deliveryOf(business, message, `team-message:${digest}`)));
    },
  };
}

function deliveryOf(business: Business, message: TeamMessage, dedupeKey: string): OutboxEntry {
  const callBack = message.phone ? ` Call back on ${message.phone}.` : ' They left no number.';
  const text = `Message for ${business.name} from ${message.name} (by ${message.channel === 'voice' ? 'phone' : message.channel}): "${message.reason}".${callBack}`;
  if (business.teamEmail) {
    const mail: OutboundMail = {
      to: business.teamEmail,
      subject: `Message from ${message.name}`,
      text,
      html: `<p>${escapeHtml(text)}</p>`,
      messageId: `<${dedupeKey.replace(':', '.')}@frontdesk>`,
    };
    return { businessId: business.id, kind: 'email', dedupeKey, payload: { ...mail } };
  }
  if (business.forwardingNumber) {
    const from = business.messaging.smsFrom ?? business.phoneNumbers[0]!;
    return { businessId: business.id, kind: 'sms', dedupeKey, payload: { to: business.forwardingNumber, from, body: text } };
  }
  const { name, phone, reason, channel } = message;
  return { businessId: business.id, kind: 'team-message', dedupeKey, payload: { name, phone, reason, channel } };
}
