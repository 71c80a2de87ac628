import type { BreakerStateName } from '../resilience/vendor-policy.js';
import type { SynthesisRequest, TextToSpeech } from './types.js';

export interface LocalTextToSpeechOptions {
  /** Audio per character, in ms. Default: 60 (about the pace of speech). */
  msPerCharacter?: number;
}

/** Bytes per ms of mu-law at 8 kHz. */
const BYTES_PER_MS = 8;
/** Silence after each word, in ms, so the audio has the on/off shape of speech. */
const WORD_GAP_MS = 40;
/**
 * A 400 Hz square wave at about -18 dBFS, as mu-law bytes: 0xAF is +4000 and 0x2F is -4000
 * (G.711 encodes ±4000 as segment 5, mantissa 0, bits inverted). Written out so this module
 * needs no codec; 0xFF is mu-law zero.
 */
const HIGH = 0xaf;
const LOW = 0x2f;
const SILENCE = 0xff;
const HALF_PERIOD_BYTES = 10;

/**
 * Stands in for ElevenLabs when no key is configured: a tone burst per word, as long as the
 * word would take to say, so playout, marks, barge-in and the simulator's timings all work
 * without a vendor. It says nothing intelligible; DESIGN §3 has Twilio `<Say>` speak for real
 * callers in that mode.
 */
export function createLocalTextToSpeech(options: LocalTextToSpeechOptions = {}): TextToSpeech {
  const msPerCharacter = options.msPerCharacter ?? 60;
  return {
    kind: 'local',
    defaultVoiceId: 'local',
    breakerState: (): BreakerStateName => 'closed',
    async *synthesize(request: SynthesisRequest): AsyncGenerator<Buffer> {
      for (const word of request.text.split(/\s+/).filter(Boolean)) {
        if (request.signal?.aborted) return;
        yield toneBurst(word.length * msPerCharacter);
      }
    },
  };
}

function toneBurst(toneMs: number): Buffer {
  const toneBytes = Math.round(toneMs * BYTES_PER_MS);
  const out = Buffer.alloc(toneBytes + WORD_GAP_MS * BYTES_PER_MS, SILENCE);
  for (let i = 0; i < toneBytes; i++) out[i] = Math.floor(i / HALF_PERIOD_BYTES) % 2 === 0 ? HIGH : LOW;
  return out;
}
