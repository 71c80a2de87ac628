import type { FakeDeepgram } from '../fakes/deepgram.js';
import type { FakeElevenLabs } from '../fakes/elevenlabs.js';
import type { FakeTwilioRest } from '../fakes/twilio-rest.js';
import type { TestFrontdesk } from '../support/frontdesk.js';
import { ADMIN_PASSWORD, startAdminFrontdesk } from './admin-support.js';
import { startVoiceFakes } from '../support/voice-fakes.js';

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
  const fakes = await startVoiceFakes({ ttsMsPerCharacter: 8 });
  const app = await startAdminFrontdesk({ ADMIN_PASSWORD, ...fakes.env });
  const { deepgram, elevenlabs, twilio } = fakes;
  return { app, deepgram, elevenlabs, twilio, close: () => fakes.closeAfter(app) };
}
