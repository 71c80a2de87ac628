import type { DeepgramClient } from '@deepgram/sdk';
import type { Logger } from '../observability/logger.js';
import type { VendorPolicy } from '../resilience/vendor-policy.js';
import { toTranscriptEvent } from './deepgram-messages.js';
import { SpeechVendorError } from './errors.js';
import { EventQueue } from './event-queue.js';
import type { TranscriptEvent, TranscriptionEnd, TranscriptionStream } from './types.js';
import { recordStreamFailure } from './vendor-stream.js';

/** The SDK's live socket; stays inside the Deepgram adapter. */
export type ListenSocket = Awaited<ReturnType<DeepgramClient['listen']['v1']['connect']>>;

export interface DeepgramStreamSettings {
  policy: VendorPolicy;
  logger: Logger;
  keepAliveIntervalMs: number;
  closeTimeoutMs: number;
  signal: AbortSignal | undefined;
}

/** `ReconnectingWebSocket.ReadyState.OPEN`. */
const OPEN = 1;

type State = 'open' | 'closing' | 'ended';

/**
 * One open Deepgram live stream. We alone decide when it ends: a close we did not start (the
 * server hanging up, the network dropping) is a failure, whatever its close code — the SDK even
 * reports a socket error as a 1000 close.
 */
export class DeepgramTranscriptionStream implements TranscriptionStream {
  readonly ended: Promise<TranscriptionEnd>;
  private state: State = 'open';
  private readonly events: EventQueue<TranscriptEvent>;
  private readonly keepAlive: NodeJS.Timeout;
  private resolveEnded!: (end: TranscriptionEnd) => void;
  private readonly onAbort = () => this.hangUp();

  constructor(
    private readonly socket: ListenSocket,
    private readonly settings: DeepgramStreamSettings,
  ) {
    this.ended = new Promise((resolve) => {
      this.resolveEnded = resolve;
    });
    // A consumer that stops reading no longer wants transcripts: close without waiting.
    this.events = new EventQueue<TranscriptEvent>(() => this.hangUp());
    socket.on('message', (message) => {
      const event = toTranscriptEvent(message);
      if (event) this.events.push(event);
    });
    socket.on('close', (event) => this.onClose(event.code));
    socket.on('error', (error) => {
      // A close follows every error; only the close decides how the stream ends.
      settings.logger.debug({ err: error }, 'speech-to-text socket error');
    });
    // Twilio sends audio even in silence, but we stop forwarding it at times (while muted,
    // during transfer): Deepgram hangs up after ~10 s without audio or KeepAlive.
    this.keepAlive = setTimeout(() => this.sendKeepAlive(), settings.keepAliveIntervalMs);
    settings.signal?.addEventListener('abort', this.onAbort, { once: true });
    if (settings.signal?.aborted) this.hangUp();
    // A close between the open and these handlers found no listener of ours: treat it as a drop.
    else if (socket.readyState !== OPEN) this.onClose(1006);
  }

  send(muLawAudio: Uint8Array): void {
    if (!this.writable()) return;
    this.socket.sendMedia(muLawAudio);
    this.keepAlive.refresh();
  }

  finalize(): void {
    if (this.writable()) this.socket.sendFinalize({ type: 'Finalize' });
  }

  async close(): Promise<void> {
    if (this.state === 'open') {
      this.state = 'closing';
      if (this.socket.readyState === OPEN) {
        // CloseStream makes Deepgram flush its last results, send Metadata and close (1000).
        this.socket.sendCloseStream({ type: 'CloseStream' });
        const giveUp = setTimeout(() => this.socket.close(), this.settings.closeTimeoutMs);
        await this.ended;
        clearTimeout(giveUp);
      } else {
        this.socket.close();
      }
    }
    await this.ended;
  }

  [Symbol.asyncIterator](): AsyncIterator<TranscriptEvent> {
    return this.events[Symbol.asyncIterator]();
  }

  private writable(): boolean {
    return this.state === 'open' && this.socket.readyState === OPEN;
  }

  private sendKeepAlive(): void {
    if (!this.writable()) return;
    this.socket.sendKeepAlive({ type: 'KeepAlive' });
    this.keepAlive.refresh();
  }

  /** Closes now, without waiting for results: the caller aborted or stopped reading. */
  private hangUp(): void {
    if (this.state === 'ended') return;
    this.state = 'closing';
    this.socket.close();
  }

  private onClose(code: number): void {
    if (this.state === 'ended') return;
    const ours = this.state === 'closing';
    this.state = 'ended';
    clearTimeout(this.keepAlive);
    this.settings.signal?.removeEventListener('abort', this.onAbort);
    // The SDK socket may still hold timers; closing it again is a no-op once closed.
    this.socket.close();
    if (ours) {
      this.events.end();
      this.resolveEnded({ reason: 'closed' });
      return;
    }
    const error = new SpeechVendorError('deepgram', 'disconnected', `Deepgram closed the transcription stream (code ${code})`, {
      closeCode: code,
    });
    this.settings.logger.warn({ closeCode: code }, 'speech-to-text stream dropped by the vendor');
    // Not awaited here (a socket callback), but owned: `ended` settles when it is done.
    void this.reportFailure(error);
  }

  /** Counts the drop with the policy first, so metrics are current when the consumer hears of it. */
  private async reportFailure(error: SpeechVendorError): Promise<void> {
    await recordStreamFailure(this.settings.policy, error);
    this.events.fail(error);
    this.resolveEnded({ reason: 'failed', error });
  }
}
