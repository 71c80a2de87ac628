import type { ConversationDependencies } from '../../dialog/conversation-dependencies.js';
import { respond, type DialogReply } from '../../dialog/policy/dialog-engine.js';
import type { DialogState } from '../../dialog/policy/dialog-state.js';
import { customerPhoneNumber } from '../../storage/customers.js';
import type { StreamCallRecord } from './call-record.js';

export interface GeneratedTurn {
  state: DialogState;
  reply: DialogReply;
  /** The dialog turn (understanding and any calendar action), in ms. */
  understandingMs: number;
}

export interface TurnGenerationOptions {
  signal: AbortSignal;
  /** Called once if the turn takes longer than `slowAfterMs` (time for a filler). */
  onSlow: () => void;
  /** The reply the dialog will likely give, told before a calendar change (see `DialogTurn`). */
  onLikelyReply?: (text: string) => void;
  /** Default 700 ms (DESIGN §1: no dead air). 0: at once, before the dialog's own work starts. */
  slowAfterMs?: number;
}

/**
 * One dialog turn for a spoken utterance: the same `respond` the texts and `<Gather>` calls
 * use. An abort (the caller spoke over us) stops the model call and keeps the calendar as it
 * is, unless the booking had already begun: that finishes and is stored. The reply is not spoken.
 */
export async function generateTurn(
  deps: ConversationDependencies,
  call: StreamCallRecord,
  utterance: string,
  options: TurnGenerationOptions,
): Promise<GeneratedTurn> {
  const startedAt = performance.now();
  const slowAfterMs = options.slowAfterMs ?? 700;
  // A filler wanted at once is started now: a zero timer would fire only after the dialog's
  // synchronous work (understanding, a search in memory) and the next turn of the event loop.
  if (slowAfterMs <= 0 && !options.signal.aborted) options.onSlow();
  const slow = slowAfterMs > 0 ? setTimeout(() => !options.signal.aborted && options.onSlow(), slowAfterMs) : undefined;
  try {
    const turn = await respond({ ...deps.dialog, business: call.business }, call.dialog, {
      utterance,
      channel: 'voice',
      customerPhone: customerPhoneNumber(call.fromNumber),
      now: deps.now(),
      signal: options.signal,
      onLikelyReply: options.onLikelyReply,
    });
    return { ...turn, understandingMs: Math.round(performance.now() - startedAt) };
  } finally {
    clearTimeout(slow);
  }
}

/** The call outcome a reply records. */
export function outcomeOf(reply: DialogReply): string | undefined {
  if (reply.end === 'transfer') return 'transferred';
  return reply.done;
}
