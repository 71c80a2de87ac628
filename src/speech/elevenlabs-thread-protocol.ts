/**
 * Messages between the web thread and the thread that runs the ElevenLabs SDK
 * (`elevenlabs-thread.ts`). Plain data only: they cross threads by structured clone, and audio
 * chunks move by transfer, not copy.
 */

/** One client's settings; the thread keeps one SDK client per distinct settings. */
export interface ElevenLabsClientSettings {
  apiKey: string;
  baseUrl: string | undefined;
}

export interface SynthesisOrder {
  kind: 'synthesize';
  id: number;
  client: ElevenLabsClientSettings;
  voiceId: string;
  text: string;
  modelId: string;
  optimizeStreamingLatency: number;
}

export interface CancelOrder {
  kind: 'cancel';
  id: number;
}

export type ToSpeechThread = SynthesisOrder | CancelOrder;

/** Why a request failed, as the SDK said it. */
export interface SynthesisFailure {
  /** The SDK's own request timeout (a backstop: the policy's fires first). */
  timedOut: boolean;
  /** ElevenLabs' HTTP status, when it answered with one. */
  status: number | undefined;
  message: string;
}

export type FromSpeechThread =
  | { kind: 'ready' }
  | { kind: 'audio'; id: number; chunk: ArrayBuffer }
  | { kind: 'end'; id: number }
  | { kind: 'failed'; id: number; failure: SynthesisFailure };
