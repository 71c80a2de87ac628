import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { TeamInbox, TeamMessage } from '../dialog/policy/take-message.js';
import { writeOutbox } from '../storage/outbox.js';

/**
 * Messages for a business's team go out through the outbox like every other promise we make:
 * committed here, delivered (email and text to the business) by the `team-message` job.
 */
export function createTeamInbox(dataSource: DataSource): TeamInbox {
  return {
    async leaveMessage(message: TeamMessage) {
      // The same message left twice (a retried turn) is one message.
      const digest = createHash('sha256')
        .update(JSON.stringify([message.businessId, message.phone ?? '', message.name, message.reason]))
        .digest('hex')
        .slice(0, 32);
      await dataSource.transaction((manager) =>
        writeOutbox(manager, {
          businessId: message.businessId,
          kind: 'team-message',
          dedupeKey: `team-message:${digest}`,
          payload: { ...message },
        }),
      );
    },
  };
}
