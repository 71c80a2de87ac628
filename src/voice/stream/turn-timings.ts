import type { Metrics, TurnStage } from '../../observability/metrics.js';
import type { AgentSpeech } from './agent-speech.js';
import type { ActiveTurn } from './call-state.js';

const CALLER_STAGES: TurnStage[] = ['endpointing', 'stt_final', 'understanding'];

/** The caller's side of a turn: end of speech → final transcript → end of turn → dialog reply. */
export function observeCallerTimings(metrics: Metrics, timingsMs: Record<string, number>): void {
  for (const stage of CALLER_STAGES) {
    const ms = timingsMs[stage];
    if (ms !== undefined) metrics.turnLatencySeconds.observe({ stage }, ms / 1000);
  }
}

/**
 * The agent's side, in ms, for the stored turn: `tts_first_byte`, the TTS request to its first
 * audio; `tts_wait`, the reply known to its first audio (less than `tts_first_byte` when the
 * request went out ahead, as a draft, and 0 when the audio was in hand already); and
 * voice-to-voice as the server sees it (end of the caller's speech → first audio of the reply
 * ready to send).
 */
export function replyTimings(metrics: Metrics, turn: ActiveTurn, speech: AgentSpeech): Record<string, number> {
  const timingsMs: Record<string, number> = {};
  const firstByteMs = speech.reply.firstByteMs;
  const firstByteAt = speech.reply.audio.firstByteAt;
  if (firstByteMs === undefined || firstByteAt === undefined) return timingsMs;
  timingsMs.tts_first_byte = firstByteMs;
  metrics.turnLatencySeconds.observe({ stage: 'tts_first_byte' }, firstByteMs / 1000);
  // A draft's audio can arrive before the reply is certain; it is sent only once it is.
  const readyAt = Math.max(firstByteAt, speech.startedAt);
  timingsMs.tts_wait = Math.round(readyAt - speech.startedAt);
  if (turn.speechEndedAt !== undefined) {
    timingsMs.voice_to_voice = Math.round(readyAt - turn.speechEndedAt);
    metrics.turnLatencySeconds.observe({ stage: 'voice_to_voice' }, timingsMs.voice_to_voice / 1000);
  }
  return timingsMs;
}
