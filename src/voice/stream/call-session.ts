import type { MediaStreamSession } from '../../../media-streams/index.js';
import type { ConversationDependencies } from '../../dialog/conversation-dependencies.js';
import type { Logger } from '../../observability/logger.js';
import type { Metrics } from '../../observability/metrics.js';
import type { PhraseCache, PhraseScope, TranscriptionStream } from '../../speech/index.js';
import { AgentSpeech, type SpeechEnd } from './agent-speech.js';
import { ReplyDraft } from './reply-draft.js';
import type { CallControl } from './call-control.js';
import type { CallEvent } from './call-events.js';
import { callPhrases, silenceReprompt } from './call-phrases.js';
import { endCall, fallBackToGather, type CallEndingContext } from './call-ending.js';
import { saveTurns, type StoredTurn, type StreamCallRecord } from './call-record.js';
import type { ActiveTurn, CallPhase, CallTimers } from './call-state.js';
import { DtmfEntry, type KeypadInput } from './dtmf-entry.js';
import { Endpointer, type EndpointingOptions } from './endpointing.js';
import { SpeechClock } from './speech-clock.js';
import { listenToMedia, readTranscripts, type MediaListening } from './call-inputs.js';
import { observeCallerTimings, replyTimings } from './turn-timings.js';
import { generateTurn, outcomeOf } from './turn-generation.js';

export interface CallTuning {
  /** Caller silence before a reprompt, in ms. Default 7000. */
  silenceRepromptMs?: number;
  /** Reprompts before saying goodbye. Default 2. */
  maxReprompts?: number;
  /** Longest call, in ms. Default 15 minutes. */
  maxCallMs?: number;
  /** A dialog turn slower than this gets a filler phrase, in ms. Default 700. */
  fillerAfterMs?: number;
  /** A barge-in without words this long resumes the reply, in ms. Default 1000. */
  falseInterruptionMs?: number;
  endpointing?: EndpointingOptions;
  interDigitMs?: number;
}

export interface CallSessionDependencies {
  conversations: ConversationDependencies;
  phrases: PhraseCache;
  control: CallControl;
  metrics: Metrics;
  logger: Logger;
  tuning?: CallTuning;
}

const HUMAN_REQUEST = 'I would like to speak to a person';

/**
 * One phone call over a media stream: joins the stream (audio in, speech out), the live
 * transcription and the dialog. Events are handled one at a time in `dispatch`; the jobs live in
 * their own modules (endpointing, turn generation, speech with barge-in, DTMF entry), and the
 * call's phase is the explicit `CallPhase`.
 */
export class CallSession {
  readonly #deps: CallSessionDependencies;
  readonly #media: MediaStreamSession;
  readonly #stt: TranscriptionStream;
  readonly #call: StreamCallRecord;
  readonly #scope: PhraseScope;
  readonly #log: Logger;
  readonly #endpointer: Endpointer;
  readonly #keypad: DtmfEntry;
  readonly #clock = new SpeechClock();
  readonly #timers: CallTimers = { silence: undefined, maxDuration: undefined };
  #listening: MediaListening = { stop: () => undefined, turnTaken: () => undefined };
  #phase: CallPhase = { kind: 'listening' };
  #nextTurnId = 1;
  #reprompts = 0;
  #queued: string[] = [];
  #writes: Promise<void> = Promise.resolve();
  #finished!: () => void;
  readonly #done = new Promise<void>((resolve) => (this.#finished = resolve));

  constructor(deps: CallSessionDependencies, media: MediaStreamSession, stt: TranscriptionStream, call: StreamCallRecord) {
    this.#deps = deps;
    this.#media = media;
    this.#stt = stt;
    this.#call = call;
    this.#scope = { businessId: call.business.id };
    this.#log = deps.logger.child({ callSid: call.callSid });
    this.#endpointer = new Endpointer((end) => this.dispatch(this.#endOfTurn(end.utterance, end.holdMs)), deps.tuning?.endpointing);
    this.#keypad = new DtmfEntry((input) => this.#onKeypad(input), { interDigitMs: deps.tuning?.interDigitMs ?? 3000 });
    this.#endpointer.expecting = this.#keypad.expecting = call.dialog.expecting;
  }

  /** Runs the call to its end; never rejects. */
  async run(): Promise<void> {
    this.#deps.metrics.callsActive.inc();
    this.#listening = listenToMedia(this.#media, this.#stt, this.#clock, (event) => this.dispatch(event));
    const transcripts = readTranscripts(this.#stt, (event) => this.dispatch(event));
    this.#timers.maxDuration = setTimeout(() => this.dispatch({ type: 'maxDuration' }), this.#tuning('maxCallMs', 15 * 60_000));
    this.#say(callPhrases(this.#call.business).opening!, {});
    await this.#done;
    await transcripts;
    await this.#writes;
    this.#deps.metrics.callsActive.dec();
  }

  dispatch(event: CallEvent): void {
    if (this.#phase.kind === 'ended') return;
    const phase = this.#phase;
    switch (event.type) {
      case 'speechStarted':
        this.#stopSilenceTimer();
        if (phase.kind === 'speaking') phase.speech.onSpeechStarted();
        return;
      case 'speechStopped':
      case 'utteranceEnd':
        if (event.type === 'utteranceEnd') this.#endpointer.push({ type: 'utteranceEnd', lastWordEndMs: 0 });
        return;
      case 'transcript': {
        const transcript = event.transcript;
        if (transcript.type === 'final' && transcript.text.trim()) this.#clock.onFinal(transcript);
        // A backchannel while we speak is not a turn; anything else goes to endpointing (and is
        // queued until we finish, when the reply may not be interrupted).
        if (phase.kind === 'speaking' && phase.speech.onWords(transcript.text, transcript.type === 'final') === 'backchannel') return;
        this.#endpointer.push(transcript);
        return;
      }
      case 'dtmf':
        this.#stopSilenceTimer();
        this.#keypad.push(event.digit);
        return;
      case 'endOfTurn':
        this.#listening.turnTaken();
        return this.#onEndOfTurn(event.utterance, event.timingsMs);
      case 'turnSlow':
        if (phase.kind === 'thinking' && phase.turn.id === event.turnId) this.#playFiller(phase.turn);
        return;
      case 'replyLikely':
        if (phase.kind === 'thinking' && phase.turn.id === event.turnId) this.#draftReply(phase.turn, event.text);
        return;
      case 'replyReady':
        if (phase.kind !== 'thinking' || phase.turn.id !== event.turnId) return;
        return this.#onReply(phase.turn, event);
      case 'turnFailed':
        if (phase.kind !== 'thinking' || phase.turn.id !== event.turnId) return;
        this.#log.error({ err: event.error }, 'dialog turn failed on a media-stream call');
        return this.#dropToFallback();
      case 'speechDone':
      case 'interruptionLapsed':
        return;
      case 'silence':
        return this.#onSilence();
      case 'maxDuration':
        this.#abortTurn();
        return this.#say(this.#phrase('timeUp'), { then: 'hangup', interruptible: false });
      case 'transcriptionFailed':
        this.#log.warn({ err: event.error }, 'transcription failed mid-call; continuing in the fallback mode');
        return this.#dropToFallback();
      case 'hangup':
        return this.#finish(event.reason);
    }
  }

  #endOfTurn(utterance: string, holdMs: number): CallEvent {
    return { type: 'endOfTurn', utterance, source: 'speech', timingsMs: this.#clock.turnTimings(holdMs) };
  }

  #onKeypad(input: KeypadInput): void {
    this.#endpointer.reset();
    const utterance = input.kind === 'human' ? HUMAN_REQUEST : input.digits;
    this.dispatch({ type: 'endOfTurn', utterance, source: 'dtmf', timingsMs: {} });
  }

  #onEndOfTurn(utterance: string, timingsMs: Record<string, number>): void {
    this.#reprompts = 0;
    if (this.#phase.kind !== 'listening') {
      this.#queued.push(utterance);
      return;
    }
    this.#startTurn(utterance, timingsMs);
  }

  #startTurn(utterance: string, timingsMs: Record<string, number>): void {
    this.#stopSilenceTimer();
    const turn = this.#newTurn({ callerText: utterance, callerStartedAt: new Date(), timingsMs, ...this.#clock.speechEnd() });
    this.#phase = { kind: 'thinking', turn };
    generateTurn(this.#deps.conversations, this.#call, utterance, {
      signal: turn.controller.signal,
      slowAfterMs: this.#tuning('fillerAfterMs', 700),
      onSlow: () => this.dispatch({ type: 'turnSlow', turnId: turn.id }),
      onLikelyReply: (text) => this.dispatch({ type: 'replyLikely', turnId: turn.id, text }),
    }).then(
      (result) => {
        turn.timingsMs.understanding = result.understandingMs;
        this.dispatch({ type: 'replyReady', turnId: turn.id, state: result.state, reply: result.reply, timingsMs: turn.timingsMs });
      },
      (error: unknown) => this.dispatch({ type: 'turnFailed', turnId: turn.id, error }),
    );
  }

  #onReply(turn: ActiveTurn, event: Extract<CallEvent, { type: 'replyReady' }>): void {
    const outcome = outcomeOf(event.reply);
    if (outcome) turn.outcome = outcome;
    if (event.reply.end) turn.then = event.reply.end;
    this.#endpointer.expecting = this.#keypad.expecting = event.state.expecting;
    const endedAt = new Date();
    // The caller is waiting: the speech request goes out before the turn is stored, so the
    // transaction's work does not sit between the reply text and the TTS request.
    // A booking confirmation and a goodbye are said whole.
    this.#speak(turn, event.reply.text, { interruptible: !event.reply.done && !event.reply.end, fillerIfLate: !turn.fillerPlayed });
    const caller: StoredTurn = { speaker: 'caller', text: turn.callerText ?? '', timingsMs: event.timingsMs, startedAt: turn.callerStartedAt ?? new Date(), endedAt };
    this.#persist([caller], { dialog: event.state, outcome });
    observeCallerTimings(this.#deps.metrics, event.timingsMs);
  }

  /** Starts synthesising the reply the dialog expects to give; `#speak` takes it over if it does. */
  #draftReply(turn: ActiveTurn, text: string): void {
    turn.draft?.discard();
    turn.draft = new ReplyDraft(this.#deps.phrases, this.#scope, text, turn.controller.signal);
  }

  /** An agent-only turn: the greeting, a reprompt, a goodbye. */
  #say(text: string, options: { then?: 'hangup' | 'transfer'; interruptible?: boolean }): void {
    const turn = this.#newTurn(options.then ? { then: options.then } : {});
    this.#speak(turn, text, { interruptible: options.interruptible ?? true });
  }

  /**
   * Speaks `text` as the turn's reply. `fillerIfLate`: a TTS slower than `fillerAfterMs` to its
   * first audio gets the cached filler first (once per turn: not when the dialog's own slowness
   * already played it), so a slow or hung TTS is not dead air.
   */
  #speak(turn: ActiveTurn, text: string, options: { interruptible: boolean; fillerIfLate?: boolean }): void {
    const startedAt = new Date();
    const filler = options.fillerIfLate
      ? { afterMs: this.#tuning('fillerAfterMs', 700), audio: () => this.#deps.phrases.get(this.#scope, 'filler')?.audio }
      : undefined;
    const speech: AgentSpeech = new AgentSpeech({
      media: this.#media,
      phrases: this.#deps.phrases,
      scope: this.#scope,
      text,
      draft: turn.draft,
      signal: turn.controller.signal,
      interruptible: options.interruptible,
      ...(filler ? { filler, onFiller: () => (turn.fillerPlayed = true) } : {}),
      falseInterruptionMs: this.#tuning('falseInterruptionMs', 1000),
      onEnd: (end) => this.#onSpeechEnd(turn, speech, end, startedAt),
      onBargeIn: () => this.#deps.metrics.bargeInSeconds.observe(this.#clock.speakingMs() / 1000),
      onFalseInterruption: () => this.#deps.metrics.falseInterruptionsTotal.inc(),
    });
    turn.draft = undefined;
    this.#phase = { kind: 'speaking', turn, speech };
    speech.start();
  }

  #onSpeechEnd(turn: ActiveTurn, speech: AgentSpeech, end: SpeechEnd, startedAt: Date): void {
    const timingsMs = replyTimings(this.#deps.metrics, turn, speech);
    const heardText = end.kind === 'played' ? speech.reply.text : end.kind === 'stopped' ? speech.reply.heardText() : end.heardText;
    const interrupted = end.kind !== 'played';
    this.#persist([{ speaker: 'agent', text: speech.reply.text, heardText, interrupted, timingsMs, startedAt, endedAt: new Date() }], {});
    if (this.#phase.kind !== 'speaking' || this.#phase.turn !== turn) return;
    if (end.kind === 'failed') {
      this.#log.warn({ err: end.error }, 'reply could not be spoken; continuing in the fallback mode');
      return this.#dropToFallback();
    }
    if (end.kind === 'stopped') return;
    if (end.kind === 'interrupted') turn.controller.abort(new Error('barge-in'));
    if (end.kind === 'played' && turn.then) return this.#endCall(turn.then, turn.outcome);
    this.#phase = { kind: 'listening' };
    const queued = this.#queued.splice(0).join(' ');
    if (queued) return this.#startTurn(queued, {});
    if (end.kind === 'played') this.#startSilenceTimer();
  }

  #playFiller(turn: ActiveTurn): void {
    const filler = this.#deps.phrases.get(this.#scope, 'filler');
    if (!filler) return;
    turn.fillerPlayed = true;
    this.#media.play(filler.audio, { signal: turn.controller.signal });
  }

  #onSilence(): void {
    if (this.#phase.kind !== 'listening') return;
    this.#reprompts += 1;
    if (this.#reprompts > this.#tuning('maxReprompts', 2)) {
      return this.#say(this.#phrase('silenceGoodbye'), { then: 'hangup', interruptible: false });
    }
    this.#say(silenceReprompt(this.#call.dialog.lastPrompt), {});
  }

  #endCall(how: 'hangup' | 'transfer', outcome: string | undefined): void {
    this.#phase = { kind: 'ending' };
    this.#thenCloseStream('could not end the call through Twilio; ending the stream', () => endCall(this.#endingContext(), how, outcome));
  }

  #dropToFallback(): void {
    this.#abortTurn();
    this.#phase = { kind: 'ending' };
    this.#thenCloseStream('could not record the stream ending', () => fallBackToGather(this.#endingContext()));
  }

  /** After the stored turns, runs `work` and then closes the stream, whatever happened. */
  #thenCloseStream(failure: string, work: () => Promise<void>): void {
    this.#writes = this.#writes
      .then(work)
      .catch((error: unknown) => this.#log.error({ err: error }, failure))
      .finally(() => this.#media.close());
  }

  #endingContext(): CallEndingContext {
    const deps = this.#deps;
    return { dataSource: deps.conversations.dataSource, control: deps.control, media: this.#media, phrases: deps.phrases, scope: this.#scope, call: this.#call };
  }

  #finish(reason: string): void {
    this.#log.info({ reason }, 'media-stream call ended');
    this.#abortTurn();
    this.#phase = { kind: 'ended' };
    this.#stopSilenceTimer();
    clearTimeout(this.#timers.maxDuration);
    this.#endpointer.close();
    this.#keypad.close();
    this.#listening.stop();
    this.#writes = this.#writes.then(() => this.#stt.close());
    this.#finished();
  }

  #newTurn(fields: Partial<ActiveTurn>): ActiveTurn {
    return { id: this.#nextTurnId++, controller: new AbortController(), timingsMs: {}, ...fields };
  }

  #abortTurn(): void {
    const phase = this.#phase;
    if (phase.kind === 'speaking') phase.speech.stop();
    if (phase.kind === 'speaking' || phase.kind === 'thinking') phase.turn.controller.abort(new Error('turn abandoned'));
  }

  #persist(turns: StoredTurn[], change: Parameters<typeof saveTurns>[3]): void {
    this.#writes = this.#writes
      .then(() => saveTurns(this.#deps.conversations.dataSource, this.#call, turns, change))
      .catch((error: unknown) => this.#log.error({ err: error }, 'could not store call turns'));
  }

  #startSilenceTimer(): void {
    this.#stopSilenceTimer();
    this.#timers.silence = setTimeout(() => this.dispatch({ type: 'silence' }), this.#tuning('silenceRepromptMs', 7000));
  }

  #stopSilenceTimer(): void {
    clearTimeout(this.#timers.silence);
    this.#timers.silence = undefined;
  }


  #phrase(name: 'timeUp' | 'silenceGoodbye'): string {
    return callPhrases(this.#call.business)[name]!;
  }

  #tuning<K extends keyof CallTuning>(key: K, fallback: number): number {
    return (this.#deps.tuning?.[key] as number | undefined) ?? fallback;
  }
}
