import type { MediaStreamSession } from '../../../media-streams/index.js';
import type { TranscriptionStream } from '../../speech/index.js';
import type { CallEvent } from './call-events.js';
import type { SpeechClock } from './speech-clock.js';
import { TranscriptionFeed } from './transcription-feed.js';

/**
 * Turns what comes in on a call into `CallEvent`s: the media stream's events (caller audio goes
 * on to the transcription through a `TranscriptionFeed`, not through the session) and the
 * transcription's events.
 * Media listeners run synchronously, so a barge-in is handled in the tick that noticed it.
 */
export interface MediaListening {
  stop(): void;
  /** The caller's turn was taken (see `TranscriptionFeed.turnTaken`). */
  turnTaken(): void;
}

export function listenToMedia(media: MediaStreamSession, stt: TranscriptionStream, clock: SpeechClock, dispatch: (event: CallEvent) => void): MediaListening {
  const feed = new TranscriptionFeed(stt, { batching: media.detectsVoice });
  const unsubscribe = [
    media.on('audio', (event) => {
      clock.onAudio(event.timestampMs);
      feed.audio(event.mulaw, event.timestampMs);
    }),
    media.on('speechStarted', (event) => {
      feed.speechStarted();
      clock.onSpeechStarted(event.atMs);
      dispatch({ type: 'speechStarted', source: 'vad' });
    }),
    media.on('speechStopped', (event) => {
      feed.speechStopped(event.atMs);
      dispatch({ type: 'speechStopped' });
    }),
    media.on('dtmf', (event) => dispatch({ type: 'dtmf', digit: event.digit })),
    media.on('stop', () => {
      feed.flush();
      dispatch({ type: 'hangup', reason: 'stream-stopped' });
    }),
  ];
  return {
    stop: () => unsubscribe.forEach((off) => off()),
    turnTaken: () => feed.turnTaken(),
  };
}

/**
 * Reads the transcription until it ends. Resolves when we closed it; a vendor failure resolves
 * too, after dispatching `transcriptionFailed` (the session decides what that means).
 */
export async function readTranscripts(stt: TranscriptionStream, dispatch: (event: CallEvent) => void): Promise<void> {
  try {
    for await (const event of stt) {
      if (event.type === 'speechStarted') dispatch({ type: 'speechStarted', source: 'stt' });
      else if (event.type === 'utteranceEnd') dispatch({ type: 'utteranceEnd' });
      else dispatch({ type: 'transcript', transcript: event });
    }
  } catch (error) {
    dispatch({ type: 'transcriptionFailed', error });
  }
}
