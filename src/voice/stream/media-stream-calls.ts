import type { Server } from 'node:http';
import { attachMediaStreamServer, MEDIA_STREAMS_PATH, signedUrl } from '../../../media-streams/index.js';
import type { Env } from '../../config/env.js';
import type { ConversationDependencies } from '../../dialog/conversation-dependencies.js';
import type { Logger } from '../../observability/logger.js';
import type { Metrics } from '../../observability/metrics.js';
import { createVendorPolicy } from '../../resilience/vendor-policy.js';
import { createSpeech, type SpeechTuning } from '../../speech/index.js';
import { createStreamOnlyCallControl, createTwilioCallControl } from './call-control.js';
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
  call?: CallTuning;
  speech?: SpeechTuning;
}

export interface MediaStreamCalls {
  /** What `/twilio/voice` needs to answer in stream mode. */
  streams: { streamUrl: string; answerMode(callSid: string, business: Parameters<StreamCalls['answerMode']>[1]): Promise<AnswerMode> };
  /** Closes every stream, then waits for their calls to finish storing. */
  close(): Promise<void>;
}

/** The web role's media-stream calls: speech vendors, Twilio call control, the websocket on `/media-streams`. */
export function startMediaStreamCalls(options: MediaStreamCallsOptions): MediaStreamCalls {
  const { env, logger, metrics } = options;
  const speech = createSpeech(env, metrics, logger, options.speech);
  const control =
    env.TWILIO_ACCOUNT_SID && env.TWILIO_AUTH_TOKEN
      ? createTwilioCallControl({
          accountSid: env.TWILIO_ACCOUNT_SID,
          authToken: env.TWILIO_AUTH_TOKEN,
          apiUrl: env.TWILIO_API_URL,
          policy: createVendorPolicy({ dependency: 'twilio', metrics, logger, timeoutMs: 5000, retries: 1 }),
          logger,
        })
      : createStreamOnlyCallControl(logger);
  const calls = new StreamCalls({
    conversations: options.conversations,
    speech,
    control,
    metrics,
    logger,
    maxCalls: env.MAX_CALLS,
    ...(options.call ? { tuning: options.call } : {}),
  });
  const server = attachMediaStreamServer(options.server, {
    publicUrl: options.publicUrl,
    authToken: options.authToken,
    authorizeStart: calls.authorizeStart,
    onSession: calls.onSession,
    admit: calls.admit,
    logger,
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
