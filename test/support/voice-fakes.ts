import { startFakeDeepgram, type FakeDeepgram } from '../fakes/deepgram.js';
import { startFakeElevenLabs, type FakeElevenLabs } from '../fakes/elevenlabs.js';
import { startFakeTwilioRest, type FakeTwilioRest } from '../fakes/twilio-rest.js';
import { fakeVendorEnv } from './vendor-env.js';

/** Fake Deepgram, ElevenLabs and Twilio REST: what a Frontdesk answering media-stream calls talks to. */
export interface VoiceFakes {
  deepgram: FakeDeepgram;
  elevenlabs: FakeElevenLabs;
  twilio: FakeTwilioRest;
  /** Points the real SDKs at the three fakes. */
  env: Record<string, string>;
  /** Lets any held TTS answer go, closes `app` (its calls finish against live fakes), then the fakes. */
  closeAfter(app: { close(): Promise<void> }): Promise<void>;
}

export async function startVoiceFakes(options: { ttsMsPerCharacter?: number } = {}): Promise<VoiceFakes> {
  const [deepgram, elevenlabs, twilio] = await Promise.all([startFakeDeepgram(), startFakeElevenLabs(), startFakeTwilioRest()]);
  if (options.ttsMsPerCharacter !== undefined) elevenlabs.msPerCharacter = options.ttsMsPerCharacter;
  return {
    deepgram,
    elevenlabs,
    twilio,
    env: fakeVendorEnv({ deepgram: deepgram.url, elevenlabs: elevenlabs.url, twilio }),
    async closeAfter(app) {
      elevenlabs.release();
      await app.close();
      await Promise.all([deepgram.close(), elevenlabs.close(), twilio.close()]);
    },
  };
}
