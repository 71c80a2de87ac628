import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { Business } from '../config/business-schema.js';
import { answerInboundCall } from '../voice/inbound-call.js';
import type { AnswerMode } from '../voice/stream/stream-calls.js';
import type { SoftphoneLine } from './softphone-line.js';

/** The caller id of a softphone call: a Twilio client identity, as the Voice SDK path sends it. */
export const SOFTPHONE_FROM = 'client:softphone';

/** The media-stream side of the app, as `/twilio/voice` uses it. */
export interface SoftphoneStreams {
  streamUrl: string;
  answerMode(callSid: string, business: Business): Promise<AnswerMode>;
}

export interface SoftphoneCallDependencies {
  dataSource: DataSource;
  streams: SoftphoneStreams;
  line: SoftphoneLine;
}

/** What the page needs to connect: the made-up call's sid, its `start` token and its upgrade token. */
export interface PlacedSoftphoneCall {
  callSid: string;
  /** Sent back in `start.customParameters.callToken`, exactly as Twilio would from the TwiML. */
  callToken: string;
  /** One use, within `upgradeTokenTtlMs`: `/media-streams?softphone=<token>`. */
  upgradeToken: string;
  upgradeTokenTtlMs: number;
}

export type SoftphonePlacement = { placed: PlacedSoftphoneCall } | { unavailable: string };

/**
 * Places a softphone call the way `/twilio/voice` answers an inbound one: the same mode decision
 * (which opens the call's transcription), the same call row with its per-call stream token,
 * only with a call sid we make up and `From = client:softphone`. Refused (not thrown) when stream
 * mode is unavailable, since a browser cannot fall back to Twilio's `<Gather>`.
 */
export async function placeSoftphoneCall(deps: SoftphoneCallDependencies, business: Business): Promise<SoftphonePlacement> {
  const callSid = `CA${randomBytes(16).toString('hex')}`;
  const mode = await deps.streams.answerMode(callSid, business);
  if (mode.mode !== 'stream') return { unavailable: mode.reason };
  await deps.dataSource.transaction((manager) =>
    answerInboundCall(
      manager,
      business,
      { callSid, from: SOFTPHONE_FROM, to: business.phoneNumbers[0]!, callStatus: 'in-progress', direction: 'inbound' },
      { streamUrl: deps.streams.streamUrl, token: mode.token },
    ),
  );
  const upgradeToken = deps.line.register(callSid);
  return { placed: { callSid, callToken: mode.token, upgradeToken, upgradeTokenTtlMs: deps.line.upgradeTokenTtlMs } };
}
