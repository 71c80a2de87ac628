import type { Business } from '../config/business-schema.js';
import type { ConversationDependencies } from '../dialog/conversation-dependencies.js';
import { respond } from '../dialog/policy/dialog-engine.js';
import { newDialogState, restoreDialogState, type DialogState } from '../dialog/policy/dialog-state.js';
import { customerPhoneNumber } from '../storage/customers.js';
import type { TextChannel } from '../storage/entities/conversation.js';
import { carrierKeyword, type CarrierKeyword } from './carrier-keywords.js';
import { openConversationFor, saveConversationState, type StoredConversation } from './conversation-store.js';
import { withinDeadline } from '../resilience/deadline.js';
import { refuseStaleWriteSql } from '../storage/concurrent-update.js';
import { writeOutbox } from '../storage/outbox.js';
import type { LedgerEvent } from '../storage/stored-answers.js';
import type { StoredResponse } from '../resilience/idempotency-ledger.js';
import { messagingTwiml } from './messaging-twiml.js';
import { textMessagesInsertSql, type TextMessageRecord } from './text-messages.js';
import type { TextRateLimit } from './text-rate-limit.js';
import { TextReplies } from './text-replies.js';

/** A conversation silent this long starts over: its offers and half-given details are stale. */
const CONVERSATION_IDLE_RESET_MS = 7 * 86_400_000;
/**
 * How long Twilio's request may wait for the reply to go back inline as TwiML. Twilio gives a
 * webhook 15 s but a texter should not wait on a slow model: past this, we acknowledge at once and
 * the reply follows through the outbox.
 */
export const INLINE_REPLY_BUDGET_MS = 2000;

export interface TextChannelDependencies extends ConversationDependencies {
  /** Per-number flood control; without it every text is answered. */
  textRateLimit?: TextRateLimit;
  /** How long a reply may take to go back inline before it is sent through the outbox instead. */
  inlineReplyBudgetMs?: number;
}

export interface InboundText {
  messageSid: string;
  channel: TextChannel;
  /** As Twilio sends it: `+1…` for SMS, `whatsapp:+1…` for WhatsApp. */
  from: string;
  to: string;
  body: string;
  mediaCount: number;
}

/** A turn worked out on the pool, ready to be saved in the webhook's transaction. */
export interface PreparedTextTurn {
  inbound: InboundText;
  at: Date;
  /** The text's event was answered before (a replay): nothing else was read or run. */
  answered?: StoredResponse;
  business?: Business;
  conversation?: StoredConversation;
  state?: DialogState;
  consent?: CarrierKeyword;
  reply?: string;
  /** The dialog turn still running when the inline budget ran out; `finishLateTextTurn` saves and sends it. */
  late?: Promise<DialogTurnResult>;
}

type DialogTurnResult = Awaited<ReturnType<typeof respond>>;

/**
 * Someone texted a business: find the conversation (and whether the text's webhook `event` was
 * answered before, so a replay runs nothing), then either honour a carrier keyword (STOP, START,
 * HELP), answer a message we cannot read, or run the dialog — the same brain as a call. Nothing
 * is written here except the idempotent customer and conversation rows; `textTurnStatement`
 * saves the turn.
 */
export async function prepareTextTurn(deps: TextChannelDependencies, inbound: InboundText, event: LedgerEvent): Promise<PreparedTextTurn> {
  const at = deps.now();
  const business = deps.businesses.findByMessagingNumber(inbound.to);
  const phone = customerPhoneNumber(inbound.from);
  if (!business || !phone) {
    deps.logger.warn({ messageSid: inbound.messageSid, to: inbound.to, knownBusiness: Boolean(business) }, 'text to an unknown business or from an unusable number; not answered');
    return { inbound, at };
  }
  const { conversation, answered } = await openConversationFor(deps.dataSource, { businessId: business.id, phone, channel: inbound.channel }, event);
  if (answered) return { inbound, at, answered };
  const turn = { inbound, at, business, conversation };
  const replies = new TextReplies(business);

  const keyword = carrierKeyword(inbound.body, conversation.optedOut);
  if (keyword?.keyword === 'opt-out') return { ...turn, consent: 'opt-out', reply: replies.optedOut(keyword.word) };
  if (keyword?.keyword === 'opt-in') return { ...turn, consent: 'opt-in', reply: replies.optedIn() };
  if (keyword?.keyword === 'help') return { ...turn, reply: replies.help() };
  // Carriers refuse texts to a number that opted out; the message is kept, nothing is sent.
  if (conversation.optedOut) return turn;
  const allowance = deps.textRateLimit ? await deps.textRateLimit.allowance(business.id, phone) : 'answer';
  if (allowance === 'ask-to-wait') return { ...turn, reply: replies.slowDown() };
  if (allowance === 'keep-quiet') return turn;
  if (!inbound.body.trim()) return { ...turn, reply: inbound.mediaCount > 0 ? replies.mediaOnly() : replies.empty() };

  const previous = isStale(conversation, at) ? newDialogState() : restoreDialogState(conversation.state);
  const thinking = respond(
    { ...deps.dialog, business },
    previous,
    { utterance: inbound.body, channel: inbound.channel, customerPhone: phone, now: at },
  );
  const ready = await withinDeadline(thinking, deps.inlineReplyBudgetMs ?? INLINE_REPLY_BUDGET_MS);
  if (!ready) return { ...turn, late: thinking };
  return { ...turn, state: ready.state, reply: ready.reply.text };
}


/**
 * A prepared turn as one statement of the webhook's ledger: the TwiML that sends the reply, and
 * the steps saving the turn — consent, the new dialog state, the inbound message, the reply —
 * each only once the ledger's claim (`claimed`) has a row. When the turn saves a dialog state and
 * another turn saved first, the statement aborts itself, claim included (SQLSTATE FD001,
 * `asConcurrentUpdate`), so that the turn runs again on fresh state.
 */
export interface TextTurnStatement {
  twiml: string;
  steps(claimed: string, value: (item: unknown) => string): string[];
}

export function textTurnStatement(turn: PreparedTextTurn): TextTurnStatement {
  const { inbound, business, conversation } = turn;
  if (!business || !conversation) return { twiml: messagingTwiml(), steps: () => [] };

  const thread = { businessId: business.id, conversationId: conversation.id, customerId: conversation.customerId, channel: inbound.channel };
  const messages: TextMessageRecord[] = [
    { ...thread, direction: 'inbound', messageSid: inbound.messageSid, from: inbound.from, to: inbound.to, body: inbound.body, status: 'received' },
  ];
  if (turn.reply) {
    messages.push({ ...thread, direction: 'outbound', from: inbound.to, to: inbound.from, body: turn.reply, status: 'queued' });
  }
  // A late turn saves its own state when it finishes; saving the old one now would only bump the version.
  const state = turn.late ? undefined : turn.state ?? restoreDialogState(conversation.state);
  return {
    twiml: messagingTwiml(turn.reply || undefined),
    steps: (claimed, value) => textTurnSteps(turn, conversation, messages, state, claimed, value),
  };
}

/**
 * The customer row changes only with consent (STOP, START) or a WhatsApp message; the conversation
 * changes with every turn. When both change, the customer row is taken first — the order
 * `openConversation` takes them in — so two texts from one number never wait on each other in
 * opposite orders (a deadlock): the state update waits for the customer update. A turn taking
 * the conversation alone cannot close such a cycle: the messages' foreign keys only share the
 * customer row, which no update of ours conflicts with. The messages are kept only with the state
 * (`turn`), whose guard aborts the statement when the version read has moved on.
 */
function textTurnSteps(
  turn: PreparedTextTurn,
  conversation: StoredConversation,
  messages: readonly TextMessageRecord[],
  state: object | undefined,
  claimed: string,
  value: (item: unknown) => string,
): string[] {
  const steps: string[] = [];
  let first = claimed;
  // WhatsApp allows free-form replies for 24 hours after the customer's last message.
  const whatsapp = turn.inbound.channel === 'whatsapp';
  if (turn.consent || whatsapp) {
    const optedOutAt = turn.consent === 'opt-out' ? 'now()' : turn.consent === 'opt-in' ? 'NULL' : 'opted_out_at';
    const whatsappAt = whatsapp ? value(turn.at) : 'last_whatsapp_inbound_at';
    steps.push(`customer AS (
      UPDATE customers SET opted_out_at = ${optedOutAt}, last_whatsapp_inbound_at = ${whatsappAt}, updated_at = now()
       WHERE id = ${value(conversation.customerId)} AND EXISTS (SELECT FROM ${claimed}) RETURNING id)`);
    first = 'customer';
  }
  if (!state) return [...steps, `message AS (${textMessagesInsertSql(messages, value, claimed)})`];
  return [
    ...steps,
    // Only with the claim, and after the customer when it changes: EXISTS orders the updates.
    `saved AS (
      UPDATE conversations SET state = ${value(JSON.stringify(state))}, version = version + 1, last_message_at = ${value(turn.at)}, updated_at = now()
       WHERE id = ${value(conversation.id)} AND version = ${value(conversation.version)} AND EXISTS (SELECT FROM ${first}) RETURNING id)`,
    // Evaluated for the claim's row only: a replay (no claim) saves nothing and is not refused.
    `turn AS (SELECT FROM ${claimed} WHERE ${refuseStaleWriteSql('EXISTS (SELECT FROM saved)', 'the conversation', value)})`,
    `message AS (${textMessagesInsertSql(messages, value, 'turn')})`,
  ];
}

function isStale(conversation: StoredConversation, at: Date): boolean {
  const last = conversation.lastMessageAt?.getTime();
  return last !== undefined && at.getTime() - last > CONVERSATION_IDLE_RESET_MS;
}

/**
 * Finishes a turn that missed the inline budget, after its acknowledgement was committed: saves
 * the state and puts the reply in the outbox as a text on the customer's channel, in one
 * transaction; the text worker sends it and records the message. When another message's turn
 * saved first, this reply answers an outdated question and is dropped (`ConcurrentUpdate`).
 */
export async function finishLateTextTurn(deps: TextChannelDependencies, turn: PreparedTextTurn): Promise<void> {
  const { inbound, business, conversation } = turn;
  if (!turn.late || !business || !conversation) return;
  const { state, reply } = await turn.late;
  await deps.dataSource.transaction(async (manager) => {
    await saveConversationState(manager, conversation, state, turn.at);
    await writeOutbox(manager, {
      businessId: business.id,
      kind: inbound.channel,
      dedupeKey: `${inbound.messageSid}:reply`,
      payload: {
        // E.164 both ways: the WhatsApp sender adds its own prefix.
        to: customerPhoneNumber(inbound.from),
        from: customerPhoneNumber(inbound.to),
        body: reply.text,
        customerId: conversation.customerId,
      },
    });
  });
}
