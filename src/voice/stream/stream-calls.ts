import { randomBytes } from 'node:crypto';
import { DialogWarmer } from '../../dialog/dialog-warmer.js';
import type { MediaStreamSession, StreamStart } from '../../../media-streams/index.js';
import type { Business } from '../../config/business-schema.js';
import type { ConversationDependencies } from '../../dialog/conversation-dependencies.js';
import type { Logger } from '../../observability/logger.js';
import type { Metrics } from '../../observability/metrics.js';
import type { Speech, TranscriptionStream } from '../../speech/index.js';
import { businessVocabulary } from '../inbound-call.js';
import type { CallControl } from './call-control.js';
import { callPhrases } from './call-phrases.js';
import { claimStreamToken, loadStreamCall, recordStreamEnd } from './call-record.js';
import { CallSession, type CallTuning } from './call-session.js';
import { withinDeadline } from '../../resilience/deadline.js';

export interface StreamCallsOptions {
  conversations: ConversationDependencies;
  speech: Speech;
  control: CallControl;
  metrics: Metrics;
  logger: Logger;
  /** MAX_CALLS: calls this process carries at once; past it calls get the `<Gather>` mode. */
  maxCalls: number;
  tuning?: CallTuning;
  /** How long `/twilio/voice` waits for the call's transcription to connect before answering in `<Gather>` mode, in ms. Default 1000. */
  answerWaitMs?: number;
  /** How long a transcription opened while answering waits for its stream, in ms. Default 20 000. */
  reservationTimeoutMs?: number;
}

/** How `/twilio/voice` answers: our media stream (with its token), or Twilio's speech mode. */
export type AnswerMode = { mode: 'stream'; token: string } | { mode: 'gather'; reason: string };

interface Reservation {
  stream: Promise<TranscriptionStream>;
  expiry: NodeJS.Timeout;
}

/**
 * The media-stream calls of this process. While `/twilio/voice` is answered it decides the mode
 * and, for stream mode, opens the call's transcription right away (so a Deepgram that refuses
 * sends this call to the `<Gather>` mode instead of into dead air, and the connect is done by the
 * time the caller speaks) and warms the business's phrases. When Twilio's stream starts, its
 * token is checked and a `CallSession` takes it over.
 */
/** Deepgram connects in a few hundred ms; past this a call is better served by `<Gather>`. */
const ANSWER_WAIT_MS = 1000;

export class StreamCalls {
  readonly #options: StreamCallsOptions;
  readonly #reservations = new Map<string, Reservation>();
  readonly #running = new Set<Promise<void>>();

  readonly #warmer: DialogWarmer;

  constructor(options: StreamCallsOptions) {
    this.#options = options;
    this.#warmer = new DialogWarmer(options.conversations);
  }

  /** Calls in progress here plus those answered and not started yet. */
  get load(): number {
    return this.#running.size + this.#reservations.size;
  }

  /** Runs outside the webhook's transaction: may take a vendor round trip. */
  async answerMode(callSid: string, business: Business): Promise<AnswerMode> {
    const { stt, tts } = this.#options.speech;
    if (stt.kind !== 'deepgram') return { mode: 'gather', reason: 'no speech-to-text vendor' };
    if (stt.breakerState() === 'open' || tts.breakerState() === 'open') return { mode: 'gather', reason: 'speech vendor breaker open' };
    if (this.load >= this.#options.maxCalls && !this.#reservations.has(callSid)) return { mode: 'gather', reason: 'at MAX_CALLS' };
    const answerBy = Date.now() + (this.#options.answerWaitMs ?? ANSWER_WAIT_MS);
    const phrases = this.#options.speech.phrases.prepare({ businessId: business.id }, callPhrases(business));
    const reserving = this.#reserve(callSid, business).then(() => true);
    let opened: boolean | undefined;
    try {
      opened = await withinDeadline(reserving, answerBy - Date.now());
    } catch (error) {
      this.#options.logger.warn({ callSid, err: error }, 'speech-to-text unavailable at call start; answering in <Gather> mode');
      return { mode: 'gather', reason: 'speech-to-text refused' };
    }
    if (!opened) {
      // A vendor this slow to connect would be slow on the call too; Twilio (and the caller) wait
      // for this answer. The stream is closed as soon as it opens.
      const reservation = this.#reservations.get(callSid);
      if (reservation) this.#release(callSid, reservation);
      this.#options.logger.warn({ callSid }, 'speech-to-text slow to connect at call start; answering in <Gather> mode');
      return { mode: 'gather', reason: 'speech-to-text slow to connect' };
    }
    // Phrases not cached by then are synthesised when first said.
    const prepared = await withinDeadline(phrases, Math.max(0, answerBy - Date.now()));
    if (!prepared) this.#options.logger.info({ callSid }, 'call phrases still being cached; answering now');
    else if (prepared.failed.length > 0) this.#options.logger.warn({ callSid, failed: prepared.failed }, 'some call phrases are not cached');
    // Without the greeting (and the apology prepared with it) cached, a failing or hung TTS would
    // leave the caller in silence until the stream gives up: the TTS is down at call start.
    if (!this.#options.speech.phrases.get({ businessId: business.id }, 'opening')) {
      const reservation = this.#reservations.get(callSid);
      if (reservation) this.#release(callSid, reservation);
      const reason = prepared ? 'text-to-speech failed at call start' : 'text-to-speech slow at call start';
      this.#options.logger.warn({ callSid }, `${reason}; answering in <Gather> mode`);
      return { mode: 'gather', reason };
    }
    return { mode: 'stream', token: randomBytes(18).toString('base64url') };
  }

  readonly authorizeStart = async (start: StreamStart): Promise<boolean> =>
    claimStreamToken(this.#options.conversations.dataSource, start.callSid, start.customParameters.callToken ?? '');

  readonly admit = (openStreams: number): boolean => openStreams < this.#options.maxCalls;

  readonly onSession = (media: MediaStreamSession): void => {
    const running = this.#run(media).catch((error: unknown) =>
      this.#options.logger.error({ callSid: media.callSid, err: error }, 'media-stream call failed'),
    );
    this.#running.add(running);
    void running.finally(() => this.#running.delete(running));
  };

  /** Waits for the calls in progress (the media server closes their streams first). */
  async close(): Promise<void> {
    for (const [callSid, reservation] of this.#reservations) this.#release(callSid, reservation);
    await Promise.all(this.#running);
  }

  async #run(media: MediaStreamSession): Promise<void> {
    const { conversations, logger } = this.#options;
    const call = await loadStreamCall(conversations.dataSource, conversations.businesses, media.callSid);
    if (!call) {
      logger.warn({ callSid: media.callSid }, 'media stream for a call we have no record of');
      media.close();
      return;
    }
    // While the greeting plays: the caller's first turn then meets warm code and blocked times in memory.
    void this.#warmer.warm(call.business);
    let stt: TranscriptionStream;
    try {
      stt = await this.#takeReservation(media.callSid, call.business);
    } catch (error) {
      logger.warn({ callSid: media.callSid, err: error }, 'speech-to-text unavailable at stream start; continuing in <Gather> mode');
      await recordStreamEnd(conversations.dataSource, call.id, 'dropped');
      media.close();
      return;
    }
    const session = new CallSession(
      { conversations, phrases: this.#options.speech.phrases, control: this.#options.control, metrics: this.#options.metrics, logger, ...(this.#options.tuning ? { tuning: this.#options.tuning } : {}) },
      media,
      stt,
      call,
    );
    await session.run();
  }

  async #reserve(callSid: string, business: Business): Promise<void> {
    const existing = this.#reservations.get(callSid);
    if (existing) {
      await existing.stream;
      return;
    }
    const stream = this.#options.speech.stt.open({ keyterms: businessVocabulary(business) });
    const reservation: Reservation = {
      stream,
      expiry: setTimeout(() => this.#release(callSid, reservation), this.#options.reservationTimeoutMs ?? 20_000),
    };
    this.#reservations.set(callSid, reservation);
    try {
      await stream;
    } catch (error) {
      clearTimeout(reservation.expiry);
      this.#reservations.delete(callSid);
      throw error;
    }
  }

  async #takeReservation(callSid: string, business: Business): Promise<TranscriptionStream> {
    const reservation = this.#reservations.get(callSid);
    if (!reservation) return this.#options.speech.stt.open({ keyterms: businessVocabulary(business) });
    clearTimeout(reservation.expiry);
    this.#reservations.delete(callSid);
    return reservation.stream;
  }

  /** Nobody came for it (Twilio never connected, or a replayed answer): close the stream. */
  #release(callSid: string, reservation: Reservation): void {
    clearTimeout(reservation.expiry);
    if (this.#reservations.get(callSid) === reservation) this.#reservations.delete(callSid);
    // A failed open was already reported to whoever reserved it; only an open stream needs closing.
    reservation.stream.then(
      (stream) => stream.close(),
      () => undefined,
    );
  }
}
