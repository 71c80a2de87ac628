import type { Logger } from 'pino';
import { z } from 'zod';
import type { BusinessDirectory } from '../../config/business-directory.js';
import type { Business } from '../../config/business-schema.js';
import { CALL_STATUSES, applyCallStatus } from '../../voice/call-status.js';
import { prepareGatherTurn, recordGatherTurn, type GatherDependencies, type PreparedGatherTurn } from '../../voice/gather-turn.js';
import { inboundCallAnswer, inboundCallSteps } from '../../voice/inbound-call.js';
import { answerStreamEnded } from '../../voice/stream-ended.js';
import type { AnswerMode } from '../../voice/stream/stream-calls.js';
import { TWIML_CONTENT_TYPE, fallbackTwiml, notInServiceTwiml } from '../../voice/twiml.js';
import type { WebhookRoutes } from '../webhook-routes.js';
import { twilioWebhook, type TwilioWebhookContext, type TwilioWebhookSpec } from '../twilio-webhook.js';
import type { OneStatementWork } from '../../resilience/idempotency-ledger.js';

const callSid = z.string().regex(/^CA[0-9a-fA-F]{32}$/, 'expected a Twilio CallSid (CA + 32 hex digits)');

const voiceParams = z.looseObject({
  CallSid: callSid,
  To: z.string().min(1),
  From: z.string().default(''),
  CallStatus: z.enum(CALL_STATUSES).default('ringing'),
  Direction: z.string().default('inbound'),
});

const statusParams = z.looseObject({
  CallSid: callSid,
  CallStatus: z.enum(CALL_STATUSES),
  CallDuration: z.coerce.number().int().nonnegative().optional(),
});

const gatherParams = z.looseObject({
  CallSid: callSid,
  turn: z.coerce.number().int().positive(),
  To: z.string().default(''),
  SpeechResult: z.string().optional(),
  Digits: z.string().regex(/^[0-9*#]*$/, 'expected keypad digits').optional(),
});
type GatherParams = z.infer<typeof gatherParams>;
type VoiceParams = z.infer<typeof voiceParams>;

/** The call's business (looked up once) and, with media streams, the mode chosen for it. */
interface PreparedCall {
  business: Business | undefined;
  mode: AnswerMode | undefined;
}

const streamEndedParams = z.looseObject({ CallSid: callSid, To: z.string().default('') });

/** Media-stream mode; absent, every call is answered in `<Gather>` mode. */
export interface VoiceStreams {
  /** The `wss://…/media-streams` URL Twilio connects to (and signs). */
  streamUrl: string;
  answerMode(callSid: string, business: Business): Promise<AnswerMode>;
}

export interface VoiceRouteDependencies {
  webhook: TwilioWebhookContext;
  businesses: BusinessDirectory;
  gather: GatherDependencies;
  streams?: VoiceStreams | undefined;
  logger: Logger;
  onCallEnded(outcome: string): void;
}

const twiml = (body: string) => ({ status: 200, contentType: TWIML_CONTENT_TYPE, body });

/**
 * A caller hears the fallback rather than wait longer than this for the answer (Twilio's own limit
 * is 15 s, then an error tone). Above the speech-to-text open timeout (3 s), so a slow but working
 * vendor still gets its chance; below Postgres's 5 s connection timeout.
 */
const VOICE_ANSWER_WITHIN_MS = 4000;
/**
 * A speech turn may wait on the model and the calendar, each bounded by its own vendor policy;
 * this is only the backstop, still well inside Twilio's 15 s.
 */
const GATHER_TURN_WITHIN_MS = 8000;

/** When a call cannot be served (Postgres down): the business's person, or an apology. */
function callerFallback(deps: VoiceRouteDependencies, to: string) {
  const business = deps.businesses.findByPhoneNumber(to);
  return twiml(
    fallbackTwiml({ locale: business?.locale, businessName: business?.name, forwardingNumber: business?.forwardingNumber }),
  );
}

/**
 * `/twilio/voice`: claim, call row and answer in one statement (the answer depends only on the
 * business and the mode). With media streams, choosing the mode may open the call's
 * transcription, so it is prepared first, outside the statement, and only for a call not answered
 * before (the ledger is asked first: a retry must not open a second transcription). Without them
 * nothing happens outside the statement, whose claim already tells a retry from a first delivery:
 * no look-up ahead of it (a round trip fewer per call).
 */
function inboundCallSpec(deps: VoiceRouteDependencies): TwilioWebhookSpec<VoiceParams, PreparedCall> {
  const statement = (params: VoiceParams, { business, mode }: PreparedCall): OneStatementWork => {
    if (!business) {
      deps.logger.warn({ callSid: params.CallSid, to: params.To }, 'call to a number that routes to no business');
      return { response: twiml(notInServiceTwiml()), steps: () => [] };
    }
    const call = { callSid: params.CallSid, from: params.From, to: params.To, callStatus: params.CallStatus, direction: params.Direction };
    const stream = mode?.mode === 'stream' && deps.streams ? { streamUrl: deps.streams.streamUrl, token: mode.token } : undefined;
    return {
      response: twiml(inboundCallAnswer(business, stream)),
      steps: (claimed, value) => inboundCallSteps(business, call, stream, value, claimed),
    };
  };
  const common = {
    route: '/twilio/voice',
    params: voiceParams,
    eventId: (params: VoiceParams) => `voice:${params.CallSid}`,
    fallback: (params: VoiceParams) => callerFallback(deps, params.To),
    answerWithinMs: VOICE_ANSWER_WITHIN_MS,
  };
  const streams = deps.streams;
  if (!streams) {
    return { ...common, statement: (params) => statement(params, { business: deps.businesses.findByPhoneNumber(params.To), mode: undefined }) };
  }
  return {
    ...common,
    async prepare(params) {
      const business = deps.businesses.findByPhoneNumber(params.To);
      return { business, mode: business ? await streams.answerMode(params.CallSid, business) : undefined };
    },
    statement,
  };
}

export function twilioVoiceRoutes(routes: WebhookRoutes, deps: VoiceRouteDependencies): void {

  routes.post('/twilio/voice', ...twilioWebhook<VoiceParams, PreparedCall>(deps.webhook, inboundCallSpec(deps)));

  routes.post(
    '/twilio/voice/gather',
    ...twilioWebhook<GatherParams, PreparedGatherTurn>(deps.webhook, {
      route: '/twilio/voice/gather',
      params: gatherParams,
      eventId: (params) => `gather:${params.CallSid}:${params.turn}`,
      oneAtATimeBy: (params) => params.CallSid,
      prepare: (params) =>
        prepareGatherTurn(deps.gather, { callSid: params.CallSid, speech: params.SpeechResult, digits: params.Digits }),
      handle: async (_params, { manager }, turn) => twiml(await recordGatherTurn(manager, turn)),
      fallback: (params) => callerFallback(deps, params.To),
      answerWithinMs: GATHER_TURN_WITHIN_MS,
    }),
  );

  routes.post(
    '/twilio/voice/stream-ended',
    ...twilioWebhook(deps.webhook, {
      route: '/twilio/voice/stream-ended',
      params: streamEndedParams,
      eventId: (params) => `stream-ended:${params.CallSid}`,
      async handle(params, { manager }) {
        const body = await answerStreamEnded(manager, deps.businesses, params.CallSid);
        return body ? twiml(body) : callerFallback(deps, params.To);
      },
      fallback: (params) => callerFallback(deps, params.To),
      answerWithinMs: VOICE_ANSWER_WITHIN_MS,
    }),
  );

  routes.post(
    '/twilio/voice/status',
    ...twilioWebhook(deps.webhook, {
      route: '/twilio/voice/status',
      params: statusParams,
      eventId: (params) => `status:${params.CallSid}:${params.CallStatus}`,
      async handle(params, { manager, afterCommit }) {
        const result = await applyCallStatus(manager, {
          callSid: params.CallSid,
          callStatus: params.CallStatus,
          durationSeconds: params.CallDuration,
        });
        const outcome = result.endedWithOutcome;
        if (outcome) afterCommit(() => deps.onCallEnded(outcome));
        return { status: 204, contentType: 'text/plain', body: '' };
      },
    }),
  );

}
