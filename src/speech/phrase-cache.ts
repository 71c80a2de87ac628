import type { Logger } from '../observability/logger.js';
import type { SynthesisRequest, TextToSpeech } from './types.js';

/** Whose phrases: a business's greeting in its voice is not another business's. */
export interface PhraseScope {
  businessId: string;
  /** The voice; the TTS's default when absent. */
  voiceId?: string;
}

export interface CachedPhrase {
  name: string;
  text: string;
  /** Mu-law 8 kHz, the whole phrase. */
  audio: Buffer;
}

export interface PhrasePreparation {
  ready: string[];
  /** Names that could not be synthesised (the vendor is down); a later `prepare` tries again. */
  failed: string[];
}

/**
 * Audio for fixed phrases (greeting, fillers, goodbye, apology), synthesised once per business
 * and voice and replayed with no TTS round trip: the greeting starts at once, and an apology can
 * still be played when the TTS vendor has just failed. Keyed by the text too, so an edited
 * business file gets fresh audio. Lives as long as the process; a few seconds of mu-law per
 * phrase is a few tens of KB.
 */
export class PhraseCache {
  /** Audio by scope + text; a pending entry is shared by concurrent `prepare` calls. */
  private readonly audio = new Map<string, Promise<Buffer>>();
  private readonly settled = new Map<string, Buffer>();
  private readonly texts = new Map<string, string>();

  constructor(
    private readonly tts: TextToSpeech,
    private readonly logger: Logger,
  ) {}

  /** Synthesises the phrases not cached yet. Never throws: failures are listed and logged. */
  async prepare(scope: PhraseScope, phrases: Readonly<Record<string, string>>, signal?: AbortSignal): Promise<PhrasePreparation> {
    const names = Object.keys(phrases);
    const outcomes = await Promise.allSettled(names.map((name) => this.prepareOne(scope, name, phrases[name]!, signal)));
    const result: PhrasePreparation = { ready: [], failed: [] };
    outcomes.forEach((outcome, index) => {
      const name = names[index]!;
      if (outcome.status === 'fulfilled') result.ready.push(name);
      else {
        result.failed.push(name);
        this.logger.warn({ businessId: scope.businessId, phrase: name, err: outcome.reason }, 'phrase audio could not be synthesised');
      }
    });
    return result;
  }

  /** The named phrase's audio, if prepared. */
  get(scope: PhraseScope, name: string): CachedPhrase | undefined {
    const text = this.texts.get(this.key(scope, `name:${name}`));
    return text === undefined ? undefined : this.find(scope, text, name);
  }

  /** A prepared phrase with exactly this text (whitespace aside), if any. */
  find(scope: PhraseScope, text: string, name = ''): CachedPhrase | undefined {
    const audio = this.settled.get(this.textKey(scope, text));
    return audio === undefined ? undefined : { name, text, audio };
  }

  /** Cached audio when the text is a prepared phrase, otherwise the TTS. */
  async *speak(scope: PhraseScope, request: Omit<SynthesisRequest, 'voiceId'>): AsyncGenerator<Buffer> {
    const cached = this.find(scope, request.text);
    if (cached) {
      if (!request.signal?.aborted) yield cached.audio;
      return;
    }
    yield* this.tts.synthesize({ ...request, ...(scope.voiceId === undefined ? {} : { voiceId: scope.voiceId }) });
  }

  private async prepareOne(scope: PhraseScope, name: string, text: string, signal: AbortSignal | undefined): Promise<void> {
    const key = this.textKey(scope, text);
    let pending = this.audio.get(key);
    if (!pending) {
      pending = this.synthesizeWhole(scope, text, signal);
      this.audio.set(key, pending);
    }
    try {
      this.settled.set(key, await pending);
      this.texts.set(this.key(scope, `name:${name}`), text);
    } catch (error) {
      if (this.audio.get(key) === pending) this.audio.delete(key);
      throw error;
    }
  }

  private async synthesizeWhole(scope: PhraseScope, text: string, signal: AbortSignal | undefined): Promise<Buffer> {
    const chunks: Buffer[] = [];
    const request: SynthesisRequest = { text, ...(scope.voiceId === undefined ? {} : { voiceId: scope.voiceId }), ...(signal ? { signal } : {}) };
    for await (const chunk of this.tts.synthesize(request)) chunks.push(chunk);
    if (signal?.aborted) throw signal.reason;
    return Buffer.concat(chunks);
  }

  private key(scope: PhraseScope, what: string): string {
    return JSON.stringify([scope.businessId, scope.voiceId ?? this.tts.defaultVoiceId, what]);
  }

  private textKey(scope: PhraseScope, text: string): string {
    return this.key(scope, `text:${text.trim().replace(/\s+/g, ' ')}`);
  }
}
