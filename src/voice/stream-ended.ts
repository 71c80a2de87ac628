import type { EntityManager } from 'typeorm';
import type { BusinessDirectory } from '../config/business-directory.js';
import { restoreDialogState } from '../dialog/policy/dialog-state.js';
import { customerPhoneNumber } from '../storage/customers.js';
import { businessVocabulary, gatherActionPath } from './inbound-call.js';
import { closingTwiml, promptTwiml } from './twiml.js';

/**
 * Twilio asks this after a media stream ends (the `<Redirect>` after `<Connect>`). The session
 * recorded how it ended: hung up or handed to a person (also how those are done without a Twilio
 * account), or nothing/`dropped` — the stream or a vendor failed — and the call carries on in
 * `<Gather>` mode from the dialog's last question, so the caller is never left in dead air.
 */
export async function answerStreamEnded(manager: EntityManager, businesses: BusinessDirectory, callSid: string): Promise<string | undefined> {
  const rows: { id: string; business_id: string; turn_count: number; from_number: string; dialog_state: { streamEnd?: string; dialog?: unknown } | null }[] =
    await manager.query(`SELECT id, business_id, turn_count, from_number, dialog_state FROM calls WHERE call_sid = $1 FOR UPDATE`, [callSid]);
  const row = rows[0];
  const business = row && businesses.get(row.business_id);
  if (!row || !business) return undefined;
  const spoken = { locale: business.locale, greeting: business.greeting, vocabulary: businessVocabulary(business) };
  const ending = row.dialog_state?.streamEnd;
  if (ending === 'hangup') return closingTwiml(spoken, '');
  if (ending === 'transfer' && business.forwardingNumber) return closingTwiml(spoken, '', business.forwardingNumber);

  // `<Gather>` turns come in pairs (caller, agent); a stream may have left an odd count.
  const turnCount = row.turn_count + (row.turn_count % 2);
  await manager.query(
    `UPDATE calls SET media_mode = 'gather', turn_count = $2, stream_fell_back_at = coalesce(stream_fell_back_at, now()), updated_at = now()
      WHERE id = $1`,
    [row.id, turnCount],
  );
  const lastPrompt = restoreDialogState(row.dialog_state?.dialog).lastPrompt;
  // A call that ends unfinished from here gets a follow-up text (`applyCallStatus`); say so.
  const textOffer = customerPhoneNumber(row.from_number) ? " If we get cut off, I'll text you." : '';
  const text = lastPrompt ? `Sorry about that, the line is giving me trouble.${textOffer} ${lastPrompt}` : business.greeting;
  return promptTwiml(spoken, text, gatherActionPath(turnCount / 2 + 1));
}
