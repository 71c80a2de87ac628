import type { Business } from '../../config/business-schema.js';
import type { Scheduler } from '../../scheduling/scheduler.js';
import type { Understanding, Understood } from '../understanding/types.js';
import { saysNo, saysYes } from './answers.js';
import { informationAnswer } from './business-information.js';
import { continueBooking } from './booking-flow.js';
import { newDialogState, type DialogState } from './dialog-state.js';
import { findOwnBooking } from './own-booking.js';
import { Replies, type Channel } from './replies.js';
import { continueMessage, startMessage, type TeamInbox } from './take-message.js';

export interface DialogDependencies {
  business: Business;
  scheduler: Scheduler;
  understanding: Understanding;
  team: TeamInbox;
}

export interface DialogTurn {
  utterance: string;
  channel: Channel;
  /** The caller's or texter's number (E.164), which identifies their own bookings. */
  customerPhone?: string | undefined;
  now: Date;
  /**
   * Aborted when the turn is dropped (on a call, the caller spoke over us): the model call stops
   * and nothing is booked, moved or cancelled after it; `respond` then rejects with the reason.
   */
  signal?: AbortSignal | undefined;
  /**
   * Told the reply this turn will give if the calendar change it is about to make succeeds,
   * before making it. A call starts synthesising it while the transaction runs, so the booking's
   * round trips overlap the TTS's first byte; the reply returned may still differ (the slot was
   * taken meanwhile), and then that speech is dropped unheard.
   */
  onLikelyReply?: ((text: string) => void) | undefined;
}

export interface DialogReply {
  text: string;
  /** What the channel does after saying it: hand the call to a person, or hang up. */
  end?: 'transfer' | 'hangup';
  /** What this turn changed in the calendar, for call outcomes and metrics. */
  done?: 'booked' | 'moved' | 'cancelled';
}

/** Everything a turn step needs. */
export interface TurnContext {
  deps: DialogDependencies;
  state: DialogState;
  understood: Understood;
  turn: DialogTurn;
  replies: Replies;
}

/**
 * One turn of the conversation, the same for calls and texts: read the sentence, then leave,
 * hand over, answer a question, or move the task on (book, move, cancel). Returns the new state
 * (the old one is not changed) and what to say.
 */
export async function respond(
  deps: DialogDependencies,
  previous: DialogState,
  turn: DialogTurn,
): Promise<{ state: DialogState; reply: DialogReply }> {
  const state: DialogState = structuredClone(previous);
  const understood = await deps.understanding.understand(turn.utterance, {
    now: turn.now,
    timeZone: deps.business.timeZone,
    business: deps.business,
    ...(state.lastPrompt ? { previousPrompt: state.lastPrompt } : {}),
    ...(state.intent ? { previousIntent: state.intent } : {}),
    ...(state.expecting ? { expecting: state.expecting } : {}),
    signal: turn.signal,
    liveCaller: turn.channel === 'voice',
  });
  turn.signal?.throwIfAborted();
  const context = { deps, state, understood, turn, replies: new Replies(deps.business, turn.channel, turn.now) };
  const reply = await nextReply(context);
  context.state.lastPrompt = reply.text;
  return { state: context.state, reply };
}

async function nextReply(context: TurnContext): Promise<DialogReply> {
  const { understood, replies } = context;
  const acts = new Set(understood.acts);

  if (context.state.message && !acts.has('goodbye')) return continueMessage(context);
  if (context.state.offeredTransfer && saysYes(understood)) return handOver(context);
  if (understood.intent === 'transfer' && context.state.intent !== 'transfer') return handOver(context);
  if (acts.has('goodbye') && context.state.stage !== 'confirming') return leave(context);
  if (context.state.stage === 'finished' && (saysNo(understood) || acts.has('thank_you'))) return leave(context);

  const answer = faqAnswer(context);
  if (answer) return { text: `${answer} ${context.state.intent && context.state.stage !== 'finished' ? (context.state.lastPrompt ?? '') : replies.howCanIHelp()}`.trim() };

  // Any answer to "which service?" that names none of ours: say what we do offer.
  const expectingService = context.state.expecting === 'service' && context.state.intent === 'book';
  if (expectingService && !understood.slots.service && context.turn.utterance.trim()) return { text: replies.unknownService() };

  if (!understoodAnything(understood, context.state)) return notUnderstood(context);
  context.state.failedTurns = 0;
  context.state.offeredTransfer = false;

  adoptIntent(context);
  switch (context.state.intent) {
    case 'cancel':
      return findOwnBooking(context, 'cancel');
    case 'reschedule':
      return context.state.bookingId ? continueBooking(context) : findOwnBooking(context, 'reschedule');
    case 'book':
      return continueBooking(context);
    default:
      return { text: replies.howCanIHelp() };
  }
}

/**
 * The task changes only when the sentence states one ("actually, I need to cancel"), or when
 * there was none or it is finished; a plain "yes" never changes it. "When are you free?" is a
 * booking conversation too.
 */
function adoptIntent(context: TurnContext): void {
  const intent = context.understood.intent;
  if (!intent || !['book', 'availability', 'reschedule', 'cancel'].includes(intent)) return;
  const next = intent === 'availability' ? 'book' : intent;
  const current = context.state.intent;
  const stated = context.understood.acts.includes('inform_intent');
  if (current && context.state.stage !== 'finished' && (!stated || current === next)) return;
  if (current || context.state.stage === 'finished') {
    context.state = { ...newDialogState(), ...(context.state.lastPrompt ? { lastPrompt: context.state.lastPrompt } : {}) };
  }
  context.state.intent = next;
}

function understoodAnything(understood: Understood, state: DialogState): boolean {
  if (understood.acts.length > 0) return true;
  const slots = understood.slots;
  if (slots.service || slots.staff || slots.date || slots.dateRange || slots.time || slots.timeOfDay) return true;
  if (slots.choice !== undefined || slots.shift) return true;
  return Boolean(understood.intent && understood.intent !== 'other' && understood.intent !== state.intent);
}

function notUnderstood(context: TurnContext): DialogReply {
  context.state.failedTurns += 1;
  if (context.state.failedTurns >= 2) {
    context.state.offeredTransfer = true;
    return { text: context.replies.offerHuman() };
  }
  const again = context.state.lastPrompt ? ` ${context.state.lastPrompt}` : '';
  return { text: `${context.replies.didNotCatch()}${again}` };
}

/** An FAQ the owner wrote, or hours, address, phone or prices from the business file. */
function faqAnswer(context: TurnContext): string | undefined {
  const { understood, deps, state, turn } = context;
  const asking = understood.intent === 'faq' || understood.acts.includes('request');
  if (!asking) return undefined;
  const { faqTopic, requested, date, service } = understood.slots;
  const written = faqTopic ? deps.business.faq.find((entry) => entry.id === faqTopic)?.answer : undefined;
  if (written) return written;
  if (!requested?.length) return undefined;
  return informationAnswer(deps.business, requested, { date, serviceId: service ?? state.serviceId, now: turn.now });
}

/** A person on the phone when there is one to put them through to; otherwise a message for the team. */
function handOver(context: TurnContext): DialogReply {
  context.state.offeredTransfer = false;
  if (context.turn.channel !== 'voice' || !context.deps.business.forwardingNumber) {
    return startMessage(context, context.replies.nobodyToTransferTo());
  }
  context.state.stage = 'finished';
  return { text: context.replies.transfer(), end: 'transfer' };
}

function leave(context: TurnContext): DialogReply {
  context.state.stage = 'finished';
  return { text: context.replies.goodbye(), end: 'hangup' };
}
