import type { DataSource } from 'typeorm';
import type { Business } from '../config/business-schema.js';
import { placeSoftphoneCall, type SoftphonePlacement, type SoftphoneStreams } from './softphone-calls.js';
import type { SoftphoneLine } from './softphone-line.js';
import { twilioSoftphoneSettings, type SoftphoneEnv, type TwilioSoftphoneSettings } from './softphone-token.js';

/** What `/admin/softphone` needs; built in the composition root's web role. */
export interface SoftphoneDependencies {
  /** Places a local dev-phone call over our own `/media-streams`. */
  place(business: Business): Promise<SoftphonePlacement>;
  /** Why the local dev phone cannot call (no speech-to-text), with what to do; undefined when it can. */
  localUnavailable: string | undefined;
  /** The Voice SDK path, when its keys are set. */
  twilio: TwilioSoftphoneSettings | undefined;
  /** Softphone keys set only in part: the names still missing. */
  twilioMissing: string[];
}

export interface SoftphoneOptions {
  env: SoftphoneEnv & { DEEPGRAM_API_KEY?: string | undefined };
  dataSource: DataSource;
  streams: SoftphoneStreams;
  line: SoftphoneLine;
}

export function createSoftphone(options: SoftphoneOptions): SoftphoneDependencies {
  const twilio = twilioSoftphoneSettings(options.env);
  return {
    place: (business) => placeSoftphoneCall(options, business),
    localUnavailable: options.env.DEEPGRAM_API_KEY
      ? undefined
      : 'Without DEEPGRAM_API_KEY calls are answered in Twilio\'s <Gather> speech mode, which only Twilio can run, so there is no media stream for this phone. Set DEEPGRAM_API_KEY (and ELEVENLABS_API_KEY for a real voice instead of tones) and restart.',
    twilio: 'settings' in twilio ? twilio.settings : undefined,
    twilioMissing: 'missing' in twilio ? twilio.missing : [],
  };
}
