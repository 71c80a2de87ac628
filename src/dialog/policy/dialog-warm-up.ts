import type { Logger } from 'pino';
import { RuleUnderstanding } from '../understanding/rule-understanding.js';
import { respond, type DialogDependencies } from './dialog-engine.js';
import { newDialogState } from './dialog-state.js';

const rules = new RuleUnderstanding();

/** What the warm-up's calendar and inbox answer any write with: where its turns stop. */
class WarmUpWritesNothing extends Error {
  override name = 'WarmUpWritesNothing';
}

/**
 * Gets a business's conversations ready before a caller's first sentence (at start, and as a call
 * is answered, while the greeting plays): its availability into memory (`Scheduler.prepare`),
 * then booking requests through whole turns — understanding with the business's own words, the
 * slot search, the spoken read-back, and a "yes" up to the booking itself — so the first real
 * turns meet neither Postgres nor cold code. Nothing is booked or stored (the scheduler's writes
 * and the team inbox refuse), and only the rules read (never the model). Never throws: a failure
 * only means the first turn does the work.
 */
export async function warmUpDialog(deps: Pick<DialogDependencies, 'business' | 'scheduler'>, now: Date, logger: Logger): Promise<void> {
  const service = deps.business.services[0];
  await deps.scheduler.prepare(deps.business.id);
  if (!service) return;
  // Nothing may be written: the message inbox and the calendar's writes refuse, so a "yes" to the
  // read-back runs the confirming turn up to the booking and stops there.
  const refuse = () => Promise.reject(new WarmUpWritesNothing());
  const scheduler = { ...deps.scheduler, book: refuse, reschedule: refuse, cancel: refuse };
  const dialog = { business: deps.business, scheduler, understanding: rules, team: { leaveMessage: refuse } };
  try {
    await respond(dialog, newDialogState(), { utterance: `can I get a ${service.name} on friday afternoon`, channel: 'voice', now });
    const offered = await respond(dialog, newDialogState(), { utterance: `I'd like a ${service.name} tomorrow at 10 am please`, channel: 'voice', now });
    if (offered.state.stage === 'confirming') {
      await respond(dialog, offered.state, { utterance: 'yes please', channel: 'voice', now }).catch((error: unknown) => {
        if (!(error instanceof WarmUpWritesNothing)) throw error;
      });
    }
  } catch (error) {
    // Only warming: the caller's turn does the same work and reports a failure itself.
    logger.debug({ err: error, businessId: deps.business.id }, 'dialog warm-up failed');
  }
}
