import type { Logger } from '../../observability/logger.js';
import type { TextSendResult, TextSender } from './text-sender.js';

/**
 * Without a Twilio account nothing is sent (DESIGN §3): each text is logged as not sent and the
 * job records it that way, so a developer sees what would have gone out.
 */
export function createUnconfiguredTextSender<M extends { to: string }>(channel: 'sms' | 'whatsapp', logger: Logger): TextSender<M> {
  return {
    configured: false,
    async send(message): Promise<TextSendResult> {
      logger.info({ channel, to: message.to }, 'no Twilio account: text recorded as not sent');
      return { sent: false, reason: 'no_account' };
    },
    async findSent() {
      return undefined;
    },
  };
}
