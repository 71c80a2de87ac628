import { startFakeDeepgram, type FakeDeepgram } from '../fakes/deepgram.js';
import { startFakeElevenLabs, type FakeElevenLabs } from '../fakes/elevenlabs.js';
import { startFakeTwilioRest, type FakeTwilioRest } from '../fakes/twilio-rest.js';
import type { TestFrontdesk } from '../support/frontdesk.js';
import { ADMIN_PASSWORD, startAdminFrontdesk } from './admin-support.js';
import { fakeVendorEnv } from '../support/vendor-env.js';

export interface SoftphoneRig {
  app: TestFrontdesk;
  deepgram: FakeDeepgram;
  elevenlabs: FakeElevenLabs;
  twilio: FakeTwilioRest;
  close(): Promise<void>;
}

/**
 * The admin and stream-mode calls against fake Deepgram and ElevenLabs, as the voice tests run
 * them, with a Twilio account (its REST fake) so that a softphone call is seen not to use it.
 */
export async function startSoftphoneRig(): Promise<SoftphoneRig> {
  const deepgram = await startFakeDeepgram();
  const elevenlabs = await startFakeElevenLabs();
  elevenlabs.msPerCharacter = 8;
  const twilio = await startFakeTwilioRest();
  const app = await startAdminFrontdesk({
    ADMIN_PASSWORD,
    ...fakeVendorEnv({ deepgram: deepgram.url, elevenlabs: elevenlabs.url, twilio }),
  });
  return {
    app,
    deepgram,
    elevenlabs,
    twilio,
    async close() {
      elevenlabs.release();
      await app.close();
      await Promise.all([deepgram.close(), elevenlabs.close(), twilio.close()]);
    },
  };
}
