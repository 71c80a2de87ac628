import type { TranscriptEvent, TranscriptWord } from './types.js';

/**
 * Deepgram's live server messages (PROTOCOLS.md, "Deepgram live transcription") read into our
 * events. Times on the wire are seconds from the start of the stream; ours are ms. Read
 * defensively: the SDK hands over parsed JSON without checking it. Metadata (sent after
 * CloseStream) and unknown types map to nothing.
 */

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null;
const secondsToMs = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? Math.round(value * 1000) : 0);
const numberOr = (value: unknown, fallback: number): number => (typeof value === 'number' && Number.isFinite(value) ? value : fallback);

export function toTranscriptEvent(message: unknown): TranscriptEvent | undefined {
  if (!isObject(message)) return undefined;
  switch (message.type) {
    case 'Results':
      return fromResults(message);
    case 'SpeechStarted':
      return { type: 'speechStarted', atMs: secondsToMs(message.timestamp) };
    case 'UtteranceEnd':
      return { type: 'utteranceEnd', lastWordEndMs: secondsToMs(message.last_word_end) };
    default:
      return undefined;
  }
}

function fromResults(message: Json): TranscriptEvent | undefined {
  const channel = isObject(message.channel) ? message.channel : undefined;
  const alternatives = Array.isArray(channel?.alternatives) ? channel.alternatives : [];
  const best: unknown = alternatives[0];
  if (!isObject(best)) return undefined;
  const text = typeof best.transcript === 'string' ? best.transcript : '';
  const timing = {
    startMs: secondsToMs(message.start),
    durationMs: secondsToMs(message.duration),
    confidence: numberOr(best.confidence, 0),
  };
  if (message.is_final !== true) return { type: 'interim', text, ...timing };
  return {
    type: 'final',
    text,
    speechFinal: message.speech_final === true,
    fromFinalize: message.from_finalize === true,
    ...timing,
    words: Array.isArray(best.words) ? best.words.filter(isObject).map(toWord) : [],
  };
}

function toWord(word: Json): TranscriptWord {
  const punctuated = typeof word.punctuated_word === 'string' ? word.punctuated_word : undefined;
  return {
    text: punctuated ?? (typeof word.word === 'string' ? word.word : ''),
    startMs: secondsToMs(word.start),
    endMs: secondsToMs(word.end),
    confidence: numberOr(word.confidence, 0),
  };
}
