import type { Logger } from 'pino';
import { RuleUnderstanding } from '../understanding/rule-understanding.js';
import { respond, type DialogDependencies } from './dialog-engine.js';
import { newDialogState } from './dialog-state.js';

const rules = new RuleUnderstanding();

/**
 * Gets a business's conversations ready before a caller's first sentence (at start, and as a call
 * is answered, while the greeting plays): its availability into memory (`Scheduler.prepare`),
 * then one booking request through the whole turn — understanding with the business's own words,
 * the slot search, the spoken read-back — so the first real turn meets neither Postgres nor cold
 * code. Nothing is booked or stored: the request stops at "Shall I book it?", and only the rules
 * read it (never the model). Never throws: a failure only means the first turn does the work.
 */
export async function warmUpDialog(deps: Pick<DialogDependencies, 'business' | 'scheduler'>, now: Date, logger: Logger): Promise<void> {
  const service = deps.business.services[0];
  await deps.scheduler.prepare(deps.business.id);
  if (!service) return;
  const dialog = { ...deps, understanding: rules, team: { leaveMessage: () => Promise.reject(new Error('a warm-up leaves no message')) } };
  try {
    for (const utterance of [`I'd like a ${service.name} tomorrow at 10 am please`, `can I get a ${service.name} on friday afternoon`]) {
      await respond(dialog, newDialogState(), { utterance, channel: 'voice', now });
    }
  } catch (error) {
    // Only warming: the caller's turn does the same work and reports a failure itself.
    logger.debug({ err: error, businessId: deps.business.id }, 'dialog warm-up failed');
  }
}
