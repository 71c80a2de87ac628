import type { Server } from 'node:http';
import { attachMediaStreamServer, MEDIA_STREAMS_PATH, signedUrl, type MediaStreamSession } from '../../../media-streams/index.js';
import type { Env } from '../../config/env.js';
import type { ConversationDependencies } from '../../dialog/conversation-dependencies.js';
import type { Logger } from '../../observability/logger.js';
import type { Metrics } from '../../observability/metrics.js';
import type { VendorPolicy } from '../../resilience/vendor-policy.js';
import type { Speech } from '../../speech/index.js';
import { createStreamOnlyCallControl, createTwilioCallControl, type CallControl } from './call-control.js';
import type { CallTuning } from './call-session.js';
import { StreamCalls, type AnswerMode } from './stream-calls.js';

export interface MediaStreamCallsOptions {
  env: Env;
  /** The web role's HTTP server; the websocket shares it. */
  server: Server;
  publicUrl: string;
  /** The token Twilio signs with (or the local development token). */
  authToken: string;
  conversations: ConversationDependencies;
  metrics: Metrics;
  logger: Logger;
  /** The process's one Twilio REST policy, for call control (hang up, transfer). */
  twilioPolicy: VendorPolicy;
  call?: CallTuning;
  /** The process's speech vendors (`createSpeech`), loaded before the port opened. */
  speech: Speech;
  /** Calls placed from the admin's browser softphone, which have no Twilio leg. */
  localCalls?: LocalCalls;
}

/**
 * Calls that reach `/media-streams` without Twilio (the admin's local softphone). Browsers cannot
 * sign a websocket upgrade, so these are let in by their own upgrade token; the per-call token on
 * `start` and the `CallSession` are the same as for a Twilio call.
 */
export interface LocalCalls {
  /** Admits an upgrade that has no `X-Twilio-Signature` (request path and query). */
  authorizeUpgrade(requestUrl: string): Promise<boolean> | boolean;
  /** True for a call placed this way: transfer and hang-up then end the stream, since there is no call to update. */
  owns(callSid: string): boolean;
  /** The stream of such a call stopped; no Twilio status callback will say so. */
  streamStopped(callSid: string): void;
}

export interface MediaStreamCalls {
  /** What `/twilio/voice` needs to answer in stream mode. */
  streams: { streamUrl: string; answerMode(callSid: string, business: Parameters<StreamCalls['answerMode']>[1]): Promise<AnswerMode> };
  /** Closes every stream, then waits for their calls to finish storing. */
  close(): Promise<void>;
}

/** The web role's media-stream calls: speech vendors, Twilio call control, the websocket on `/media-streams`. */
export function startMediaStreamCalls(options: MediaStreamCallsOptions): MediaStreamCalls {
  const { env, logger, metrics, speech } = options;
  const control =
    env.TWILIO_ACCOUNT_SID && env.TWILIO_AUTH_TOKEN
      ? createTwilioCallControl({
          accountSid: env.TWILIO_ACCOUNT_SID,
          authToken: env.TWILIO_AUTH_TOKEN,
          apiUrl: env.TWILIO_API_URL,
          policy: options.twilioPolicy,
          logger,
        })
      : createStreamOnlyCallControl(logger);
  const calls = new StreamCalls({
    conversations: options.conversations,
    speech,
    control: options.localCalls ? withLocalCalls(control, createStreamOnlyCallControl(logger), options.localCalls) : control,
    metrics,
    logger,
    maxCalls: env.MAX_CALLS,
    ...(options.call ? { tuning: options.call } : {}),
  });
  const server = attachMediaStreamServer(options.server, {
    publicUrl: options.publicUrl,
    authToken: options.authToken,
    authorizeStart: calls.authorizeStart,
    onSession: options.localCalls ? observeLocalCalls(calls.onSession, options.localCalls) : calls.onSession,
    admit: calls.admit,
    logger,
    ...(options.localCalls ? { authorizeUnsignedUpgrade: options.localCalls.authorizeUpgrade } : {}),
  });
  return {
    streams: {
      streamUrl: signedUrl(options.publicUrl, MEDIA_STREAMS_PATH),
      answerMode: (callSid, business) => calls.answerMode(callSid, business),
    },
    async close() {
      await server.close();
      await calls.close();
    },
  };
}

/** Twilio's REST update for Twilio's calls; closing the stream for local ones. */
function withLocalCalls(twilioControl: CallControl, streamOnly: CallControl, local: LocalCalls): CallControl {
  const pick = (callSid: string) => (local.owns(callSid) ? streamOnly : twilioControl);
  return {
    transfer: (callSid, toNumber) => pick(callSid).transfer(callSid, toNumber),
    hangUp: (callSid) => pick(callSid).hangUp(callSid),
  };
}

function observeLocalCalls(onSession: (media: MediaStreamSession) => void, local: LocalCalls): (media: MediaStreamSession) => void {
  return (media) => {
    onSession(media);
    if (local.owns(media.callSid)) media.on('stop', () => local.streamStopped(media.callSid));
  };
}
