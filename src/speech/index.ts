/** The speech stack's public surface; vendor SDK types never pass this line. */
export type {
  FinalTranscript,
  InterimTranscript,
  SpeechStartedEvent,
  SpeechToText,
  SynthesisRequest,
  TextToSpeech,
  TranscriptEvent,
  TranscriptionEnd,
  TranscriptionOptions,
  TranscriptionStream,
  TranscriptWord,
  UtteranceEndEvent,
} from './types.js';
export { SpeechVendorError, type SpeechDependency, type SpeechFailure } from './errors.js';
export { createSpeech, type Speech, type SpeechEnv, type SpeechPolicyTuning, type SpeechTuning } from './create-speech.js';
export { PhraseCache, type CachedPhrase, type PhrasePreparation, type PhraseScope } from './phrase-cache.js';
export { createDeepgramSpeechToText, type DeepgramSpeechToTextOptions } from './deepgram-speech-to-text.js';
export { createElevenLabsTextToSpeech, type ElevenLabsTextToSpeechOptions } from './elevenlabs-text-to-speech.js';
export { createLocalSpeechToText, type LocalSpeechToTextOptions } from './local-speech-to-text.js';
export { createLocalTextToSpeech, type LocalTextToSpeechOptions } from './local-text-to-speech.js';
