import type { AgentSpeech } from './agent-speech.js';
import type { ReplyDraft } from './reply-draft.js';

/**
 * Where a media-stream call is. One turn at a time is in flight (`thinking` or `speaking`),
 * owned by its AbortController: aborting it cancels the synthesis and the playout, and makes
 * any late result of that turn be ignored (events carry the turn id).
 */
export type CallPhase =
  | { kind: 'listening' }
  | { kind: 'thinking'; turn: ActiveTurn }
  | { kind: 'speaking'; turn: ActiveTurn; speech: AgentSpeech }
  | { kind: 'ending' }
  | { kind: 'ended' };

export interface ActiveTurn {
  id: number;
  controller: AbortController;
  /** What the caller said that started this turn; absent for the greeting and reprompts. */
  callerText?: string;
  callerStartedAt?: Date;
  /** Stage durations of this turn so far, in ms (stored with the caller's turn). */
  timingsMs: Record<string, number>;
  /** performance.now() at the end of the caller's speech, for voice-to-voice. */
  speechEndedAt?: number;
  /** What happens once the reply has been said. */
  then?: 'hangup' | 'transfer';
  /** The filler phrase was played for this turn (the dialog or the TTS was slow). */
  fillerPlayed?: boolean;
  /** The reply the dialog said it would likely give, being synthesised ahead (owned by the turn). */
  draft?: ReplyDraft;
  /** The call outcome this turn records, if any. */
  outcome?: string;
}

export interface CallTimers {
  silence: NodeJS.Timeout | undefined;
  maxDuration: NodeJS.Timeout | undefined;
}
