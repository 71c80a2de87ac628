import type { PlaybackResult } from '../../../media-streams/index.js';
import type { DialogReply } from '../../dialog/policy/dialog-engine.js';
import type { DialogState } from '../../dialog/policy/dialog-state.js';
import type { FinalTranscript, InterimTranscript } from '../../speech/index.js';

/**
 * Everything that happens to a media-stream call, as one typed union (Pipecat-style frames).
 * The session handles them one at a time, synchronously; slow work (a dialog turn, speech) runs
 * as owned tasks that report back with an event. Caller audio does not pass through here: it goes
 * straight from the media stream to the transcription stream.
 *
 * Priorities: `speechStarted` (barge-in) and `hangup` act at once, whatever else is in flight;
 * everything else is ordinary and may be ignored when it belongs to a turn that was abandoned
 * (each carries its `turnId`).
 */
export type CallEvent =
  /** The caller began to speak: local VAD (fast) or the STT's own VAD. */
  | { type: 'speechStarted'; source: 'vad' | 'stt' }
  | { type: 'speechStopped' }
  | { type: 'transcript'; transcript: InterimTranscript | FinalTranscript }
  | { type: 'utteranceEnd' }
  | { type: 'dtmf'; digit: string }
  /** Endpointing decided the caller finished a turn. */
  | { type: 'endOfTurn'; utterance: string; source: 'speech' | 'dtmf'; timingsMs: Record<string, number> }
  /** The dialog told us the reply it will likely give (before a booking's transaction). */
  | { type: 'replyLikely'; turnId: number; text: string }
  | { type: 'replyReady'; turnId: number; state: DialogState; reply: DialogReply; timingsMs: Record<string, number> }
  | { type: 'turnFailed'; turnId: number; error: unknown }
  /** The dialog is slow: time for a filler phrase. */
  | { type: 'turnSlow'; turnId: number }
  | { type: 'speechDone'; turnId: number; result: PlaybackResult }
  /** A barge-in produced no words (or only a backchannel) in time: carry on speaking. */
  | { type: 'interruptionLapsed'; turnId: number }
  | { type: 'silence' }
  | { type: 'maxDuration' }
  /** The transcription vendor dropped the stream mid-call. */
  | { type: 'transcriptionFailed'; error: unknown }
  /** The stream ended (Twilio stop, disconnect). */
  | { type: 'hangup'; reason: 'stream-stopped' };

export type CallEventType = CallEvent['type'];
