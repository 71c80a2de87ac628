import type { EntityManager } from 'typeorm';
import type { Business } from '../config/business-schema.js';
import type { ConversationDependencies } from '../dialog/conversation-dependencies.js';
import { respond, type DialogReply } from '../dialog/policy/dialog-engine.js';
import { restoreDialogState, type DialogState } from '../dialog/policy/dialog-state.js';
import { ConcurrentUpdate } from '../storage/concurrent-update.js';
import { customerPhoneNumber } from '../storage/customers.js';
import { businessVocabulary, gatherActionPath } from './inbound-call.js';
import { closingTwiml, promptTwiml } from './twiml.js';
import { callPhrases, silenceReprompt } from './stream/call-phrases.js';

/** Silent turns in a row before we say goodbye: two reprompts, then the third ends the call. */
const SILENT_TURNS_BEFORE_GOODBYE = 3;
/** The keypad key that asks for a person at any point. */
const HUMAN_KEY = '0';

export type GatherDependencies = ConversationDependencies;

/** What Twilio posted after one `<Gather>`: speech, keypad digits, or nothing (silence). */
export interface GatheredInput {
  callSid: string;
  speech?: string | undefined;
  digits?: string | undefined;
}

/** What a `<Gather>` call remembers between turns (`calls.dialog_state`). */
interface GatherCallState {
  dialog: DialogState;
  silentTurns: number;
}

interface CallOnRecord {
  id: string;
  business: Business;
  turnCount: number;
  fromNumber: string;
  state: GatherCallState;
}

export interface PreparedGatherTurn {
  input: GatheredInput;
  call?: CallOnRecord;
  /** What the caller said, as stored in the call's turns. */
  heard: string;
  state?: GatherCallState;
  reply?: DialogReply;
}

/**
 * One turn of a call in Twilio's speech mode: what the caller said goes through the same dialog
 * as a text; silence is reprompted twice, then the call ends politely; `0` asks for a person.
 * Runs on the pool; `recordGatherTurn` saves it.
 */
export async function prepareGatherTurn(deps: GatherDependencies, input: GatheredInput): Promise<PreparedGatherTurn> {
  const heard = (input.speech ?? input.digits ?? '').trim();
  const call = await loadCall(deps, input.callSid);
  if (!call) {
    deps.logger.warn({ callSid: input.callSid }, 'gather for a call we have no record of');
    return { input, heard };
  }
  const state = structuredClone(call.state);
  if (!heard) {
    state.silentTurns += 1;
    return { input, call, heard, state, reply: silenceReply(call.business, state) };
  }
  state.silentTurns = 0;
  const utterance = input.digits === HUMAN_KEY ? 'I would like to speak to a person' : heard;
  const turn = await respond({ ...deps.dialog, business: call.business }, state.dialog, {
    utterance,
    channel: 'voice',
    customerPhone: customerPhoneNumber(call.fromNumber),
    now: deps.now(),
  });
  return { input, call, heard, state: { dialog: turn.state, silentTurns: 0 }, reply: turn.reply };
}

function silenceReply(business: Business, state: GatherCallState): DialogReply {
  // The same words as a media-stream call's (`call-phrases.ts`).
  if (state.silentTurns >= SILENT_TURNS_BEFORE_GOODBYE) return { text: callPhrases(business).silenceGoodbye, end: 'hangup' };
  return { text: silenceReprompt(state.dialog.lastPrompt) };
}

/**
 * Saves the turn with the call (refused with `ConcurrentUpdate` when another turn of the call
 * saved first) and answers the TwiML that says the reply and listens again, transfers or hangs up.
 */
export async function recordGatherTurn(manager: EntityManager, turn: PreparedGatherTurn): Promise<string> {
  const { call, reply, state } = turn;
  if (!call || !reply || !state) {
    return closingTwiml({ locale: 'en-US' }, "Sorry, something went wrong on our side. Please call again.");
  }
  const outcome = outcomeOf(reply);
  const [, affected]: [unknown, number] = await manager.query(
    `UPDATE calls SET dialog_state = $3, turn_count = turn_count + 2, outcome = coalesce($4, outcome), updated_at = now()
      WHERE id = $1 AND turn_count = $2`,
    [call.id, call.turnCount, JSON.stringify(state), outcome ?? null],
  );
  if (affected !== 1) throw new ConcurrentUpdate('the call');
  await manager.query(
    `INSERT INTO call_turns (call_id, seq, speaker, text) VALUES ($1, $2, 'caller', $3), ($1, $4, 'agent', $5)`,
    [call.id, call.turnCount + 1, turn.heard, call.turnCount + 2, reply.text],
  );
  return replyTwiml(call.business, reply, call.turnCount / 2 + 2);
}

function replyTwiml(business: Business, reply: DialogReply, nextTurn: number): string {
  const spoken = { locale: business.locale, greeting: business.greeting, vocabulary: businessVocabulary(business) };
  if (reply.end === 'hangup') return closingTwiml(spoken, reply.text);
  if (reply.end === 'transfer' && business.forwardingNumber) return closingTwiml(spoken, reply.text, business.forwardingNumber);
  return promptTwiml(spoken, reply.text, gatherActionPath(nextTurn));
}

function outcomeOf(reply: DialogReply): string | undefined {
  if (reply.end === 'transfer') return 'transferred';
  return reply.done;
}

async function loadCall(deps: GatherDependencies, callSid: string): Promise<CallOnRecord | undefined> {
  const rows: { id: string; business_id: string; turn_count: number; from_number: string; dialog_state: unknown }[] =
    await deps.dataSource.query(
      `SELECT id, business_id, turn_count, from_number, dialog_state FROM calls WHERE call_sid = $1`,
      [callSid],
    );
  const row = rows[0];
  const business = row && deps.businesses.get(row.business_id);
  if (!row || !business) return undefined;
  const stored = (row.dialog_state ?? {}) as Partial<GatherCallState>;
  return {
    id: row.id,
    business,
    turnCount: row.turn_count,
    fromNumber: row.from_number,
    state: { dialog: restoreDialogState(stored.dialog), silentTurns: stored.silentTurns ?? 0 },
  };
}
