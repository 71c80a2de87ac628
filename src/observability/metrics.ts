import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import {
  closedSet,
  isHttpStatus,
  isIdentifier,
  isRoutePath,
  labelledCounter,
  labelledGauge,
  labelledHistogram,
  openSet,
  type LabelledCounter,
  type LabelledGauge,
  type LabelledHistogram,
} from './labelled-metrics.js';

export { INVALID_LABEL, type LabelledCounter, type LabelledGauge, type LabelledHistogram } from './labelled-metrics.js';

/**
 * Every Prometheus metric Frontdesk exposes, declared here and nowhere else (DESIGN §3).
 *
 * Label values never carry a phone number, a name or a transcript. Closed label sets are typed
 * unions, so the compiler rejects anything else; open-ended ones (queue names, call outcomes, HTTP
 * routes) must look like code identifiers. Either way every value is checked again at run time,
 * and one that fails the check is recorded as `invalid` rather than thrown: a metric must never
 * break a call, and `invalid` is bounded in cardinality and visible on a dashboard.
 */

export const turnStages = [
  'endpointing',
  'stt_final',
  'understanding',
  'action',
  'tts_first_byte',
  'voice_to_voice',
] as const;
export type TurnStage = (typeof turnStages)[number];

/** Twilio's final CallStatus values; conversation outcomes (booked, transferred, …) add to these. */
export const callEndStatuses = ['completed', 'busy', 'no-answer', 'failed', 'canceled'] as const;

export const webhookRoutes = [
  '/twilio/voice',
  '/twilio/voice/status',
  '/twilio/voice/gather',
  '/twilio/sms',
  '/twilio/whatsapp',
  '/twilio/message-status',
  '/media-streams',
] as const;

export const dependencies = ['deepgram', 'openai', 'elevenlabs', 'google_calendar', 'twilio', 'smtp'] as const;
export type Dependency = (typeof dependencies)[number];

/** Values of `breaker_state`: 0 closed (calls flow), 1 half-open (one trial call), 2 open (failing fast). */
export const breakerState = { closed: 0, halfOpen: 1, open: 2 } as const;
export type BreakerState = (typeof breakerState)[keyof typeof breakerState];

/** completed; retried (an attempt failed, BullMQ tries again); failed (attempts exhausted); unrecoverable (never retried). */
export const jobResults = ['completed', 'retried', 'failed', 'unrecoverable'] as const;
export type JobResult = (typeof jobResults)[number];

export const bookingChannels = ['voice', 'sms', 'whatsapp', 'admin'] as const;
export type BookingChannel = (typeof bookingChannels)[number];
/** slot_taken: the slot went to someone else first (Postgres 23P01); the caller is offered others. */
export const bookingOutcomes = ['booked', 'rescheduled', 'cancelled', 'slot_taken', 'failed'] as const;
export type BookingOutcome = (typeof bookingOutcomes)[number];

export const messageChannels = ['sms', 'whatsapp', 'email'] as const;
export type MessageChannel = (typeof messageChannels)[number];
/** not_sent: no vendor account configured; skipped: opted out or outside WhatsApp's 24-hour window. */
export const sendResults = ['sent', 'failed', 'not_sent', 'skipped'] as const;
export type SendResult = (typeof sendResults)[number];

export const understandingPaths = ['rules', 'llm'] as const;
export type UnderstandingPath = (typeof understandingPaths)[number];
/** unsure: no confident reading (rules hand over to the LLM; the LLM asks the caller again). */
export const understandingOutcomes = ['understood', 'unsure', 'failed'] as const;
export type UnderstandingOutcome = (typeof understandingOutcomes)[number];

const PREFIX = 'frontdesk_';

const names = {
  callsActive: `${PREFIX}calls_active`,
  callsTotal: `${PREFIX}calls_total`,
  turnLatencySeconds: `${PREFIX}turn_latency_seconds`,
  bargeInSeconds: `${PREFIX}barge_in_seconds`,
  falseInterruptionsTotal: `${PREFIX}false_interruptions_total`,
  webhookRequestsTotal: `${PREFIX}webhook_requests_total`,
  webhookReplaysTotal: `${PREFIX}webhook_replays_total`,
  breakerState: `${PREFIX}breaker_state`,
  vendorErrorsTotal: `${PREFIX}vendor_errors_total`,
  jobsTotal: `${PREFIX}jobs_total`,
  queueDepth: `${PREFIX}queue_depth`,
  outboxPending: `${PREFIX}outbox_pending`,
  bookingsTotal: `${PREFIX}bookings_total`,
  messagesSentTotal: `${PREFIX}messages_sent_total`,
  understandingTotal: `${PREFIX}understanding_total`,
  eventLoopLagSeconds: `${PREFIX}event_loop_lag_seconds`,
} as const;

/** Full names of the metrics declared here (not prom-client's default process metrics). */
export const metricNames: readonly string[] = Object.freeze(Object.values(names));

/** From endpointing (~50 ms) to a slow voice-to-voice turn (~5 s). */
const TURN_BUCKETS = [0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1, 1.25, 1.5, 2, 2.5, 3, 4, 5];
/** Caller starts speaking → our audio stops; the target is under ~200 ms. */
const BARGE_IN_BUCKETS = [0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.75, 1, 1.5, 2];

export interface Metrics {
  readonly registry: Registry;
  readonly callsActive: Gauge;
  /** outcome: a Twilio end status (`callEndStatuses`) or a conversation outcome identifier. */
  readonly callsTotal: LabelledCounter<{ outcome: string }>;
  readonly turnLatencySeconds: LabelledHistogram<{ stage: TurnStage }>;
  readonly bargeInSeconds: Histogram;
  readonly falseInterruptionsTotal: Counter;
  /** route: the path (`webhookRoutes`); status: the HTTP status answered. */
  readonly webhookRequestsTotal: LabelledCounter<{ route: string; status: string | number }>;
  readonly webhookReplaysTotal: LabelledCounter<{ route: string }>;
  readonly breakerState: LabelledGauge<{ dependency: Dependency }, BreakerState>;
  readonly vendorErrorsTotal: LabelledCounter<{ dependency: Dependency }>;
  /** queue: the BullMQ queue's name, a code constant. */
  readonly jobsTotal: LabelledCounter<{ queue: string; result: JobResult }>;
  readonly queueDepth: LabelledGauge<{ queue: string }>;
  readonly outboxPending: Gauge;
  readonly bookingsTotal: LabelledCounter<{ channel: BookingChannel; outcome: BookingOutcome }>;
  readonly messagesSentTotal: LabelledCounter<{ channel: MessageChannel; result: SendResult }>;
  readonly understandingTotal: LabelledCounter<{ path: UnderstandingPath; outcome: UnderstandingOutcome }>;
  readonly eventLoopLagSeconds: Gauge;
}

/**
 * Creates every metric on `registry` (a fresh one by default, so each app instance and each test
 * has its own; prom-client's global registry is never used), plus prom-client's default process
 * metrics under the same prefix. Known label values start at zero so Prometheus sees each series
 * before its first event.
 */
export function createMetrics(registry: Registry = new Registry()): Metrics {
  collectDefaultMetrics({ register: registry, prefix: PREFIX });
  const registers = [registry];
  return {
    registry,
    callsActive: new Gauge({ name: names.callsActive, help: 'Calls in progress on this process.', registers }),
    callsTotal: labelledCounter(registry, names.callsTotal, 'Calls ended, by outcome.', {
      outcome: openSet(isIdentifier, callEndStatuses),
    }),
    turnLatencySeconds: labelledHistogram(
      registry,
      names.turnLatencySeconds,
      'Duration of each stage of a conversational turn, in seconds.',
      TURN_BUCKETS,
      { stage: closedSet(turnStages) },
    ),
    bargeInSeconds: new Histogram({
      name: names.bargeInSeconds,
      help: 'Time from the caller starting to speak over us to our audio stopping, in seconds.',
      buckets: BARGE_IN_BUCKETS,
      registers,
    }),
    falseInterruptionsTotal: new Counter({
      name: names.falseInterruptionsTotal,
      help: 'Interruptions that carried no words (noise) after which our reply resumed.',
      registers,
    }),
    webhookRequestsTotal: labelledCounter(
      registry,
      names.webhookRequestsTotal,
      'Twilio webhook requests answered, by route and HTTP status.',
      { route: openSet(isRoutePath, webhookRoutes), status: openSet(isHttpStatus) },
    ),
    webhookReplaysTotal: labelledCounter(
      registry,
      names.webhookReplaysTotal,
      'Webhook deliveries already in the idempotency ledger, answered with the stored response.',
      { route: openSet(isRoutePath, webhookRoutes) },
    ),
    breakerState: labelledGauge(
      registry,
      names.breakerState,
      'Circuit breaker state per dependency: 0 closed, 1 half-open, 2 open.',
      { dependency: closedSet(dependencies) },
    ),
    vendorErrorsTotal: labelledCounter(
      registry,
      names.vendorErrorsTotal,
      'Failed calls to a vendor (errors, timeouts, rejections by an open breaker).',
      { dependency: closedSet(dependencies) },
    ),
    jobsTotal: labelledCounter(registry, names.jobsTotal, 'Background job attempts, by queue and result.', {
      queue: openSet(isIdentifier),
      result: closedSet(jobResults),
    }),
    queueDepth: labelledGauge(registry, names.queueDepth, 'Jobs waiting in a queue.', {
      queue: openSet(isIdentifier),
    }),
    outboxPending: new Gauge({
      name: names.outboxPending,
      help: 'Outbox rows not yet handed to a queue or not yet sent.',
      registers,
    }),
    bookingsTotal: labelledCounter(registry, names.bookingsTotal, 'Booking attempts, by channel and outcome.', {
      channel: closedSet(bookingChannels),
      outcome: closedSet(bookingOutcomes),
    }),
    messagesSentTotal: labelledCounter(
      registry,
      names.messagesSentTotal,
      'Outbound messages, by channel and result.',
      { channel: closedSet(messageChannels), result: closedSet(sendResults) },
    ),
    understandingTotal: labelledCounter(
      registry,
      names.understandingTotal,
      'Utterances and texts interpreted, by path (rules or LLM) and outcome.',
      { path: closedSet(understandingPaths), outcome: closedSet(understandingOutcomes) },
    ),
    eventLoopLagSeconds: new Gauge({
      name: names.eventLoopLagSeconds,
      help: 'p99 event loop delay over the last sampling window, in seconds.',
      registers,
    }),
  };
}
