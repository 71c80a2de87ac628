/**
 * The Twilio Media Streams transport. Knows nothing of bookings and imports nothing from `src/`;
 * the voice layer builds on `MediaStreamSession`.
 */
export { FRAME_BYTES, FRAME_MS, SAMPLE_RATE, SILENCE_BYTE, decodeMulaw, encodeMulaw } from './mulaw.js';
export {
  clearMessage,
  inboundMessageSchema,
  markMessage,
  mediaMessage,
  mediaMessageEncoder,
  parseInboundMessage,
  type ConnectedMessage,
  type DtmfMessage,
  type InboundMessage,
  type MarkMessage,
  type MediaMessage,
  type OutboundMessage,
  type ParseResult,
  type StartMessage,
  type StopMessage,
} from './messages.js';
export { FrameClock, type FrameClockOptions, type FrameTickListener, type FrameTicker } from './frame-clock.js';
export { OutboundPacer, type FrameSink, type OutboundPacerOptions } from './outbound-pacer.js';
export {
  INTERNAL_MARK_PREFIX,
  type AudioSource,
  type Playback,
  type PlaybackOutcome,
  type PlaybackResult,
  type PlayOptions,
  type PlayoutOptions,
} from './playout.js';
export {
  VoiceActivityDetector,
  frameEnergyDbfs,
  type VoiceActivityEvent,
  type VoiceActivityOptions,
} from './voice-activity.js';
export {
  MediaStreamSession,
  type MediaStreamEvent,
  type MediaStreamEventType,
  type MediaStreamSessionOptions,
  type StopReason,
  type StreamStart,
} from './session.js';
export {
  MEDIA_STREAMS_PATH,
  attachMediaStreamServer,
  signedUrl,
  type MediaStreamServer,
  type MediaStreamServerOptions,
} from './server.js';
export { silentLogger, type MediaStreamLogger } from './logger.js';
