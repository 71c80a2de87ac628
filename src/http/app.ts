import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { type RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { BusinessDirectory } from '../config/business-directory.js';
import type { LateTextReplies } from '../channels/late-text-replies.js';
import type { TextChannelDependencies } from '../channels/inbound-text.js';
import type { VendorStatus } from '../config/vendors.js';
import type { Metrics } from '../observability/metrics.js';
import type { IdempotencyLedger } from '../resilience/idempotency-ledger.js';
import { HttpError, errorHandler } from './errors.js';
import { adminRoutes, type AdminDependencies } from './routes/admin.js';
import { healthRoutes, type HealthCheck } from './routes/health.js';
import { metricsRoutes } from './routes/metrics.js';
import { twilioTextRoutes } from './routes/twilio-text.js';
import { twilioVoiceRoutes, type VoiceStreams } from './routes/twilio-voice.js';
import { WebhookRoutes } from './webhook-routes.js';

export interface HttpDependencies {
  publicUrl: string;
  twilioAuthToken: string;
  businesses: BusinessDirectory;
  ledger: IdempotencyLedger;
  metrics: Metrics;
  metricsToken?: string | undefined;
  /** Carries text threads and speech-mode calls turn by turn through the dialog. */
  conversations: TextChannelDependencies;
  /** Text replies that missed the inline budget; the composition root drains them at shutdown. */
  lateTextReplies: LateTextReplies;
  /** Per-address cap on the text webhooks. */
  textWebhookIpLimit?: RequestHandler;
  healthChecks: HealthCheck[];
  vendors: readonly VendorStatus[];
  healthDetails?: () => Record<string, unknown>;
  logger: Logger;
  /** Media-stream calls; without them every call is answered in `<Gather>` mode. */
  voiceStreams?: VoiceStreams;
  /** Request logging middleware (`createHttpLogger`); omitted in tests that do not need it. */
  requestLogger?: RequestHandler;
  /** The owner's pages at /admin (src/admin); without a password they say how to enable them. */
  admin: AdminDependencies;
}

/**
 * The media streams calls may be answered with. Without a Deepgram key `answerMode` answers every
 * call in `<Gather>` mode before opening anything (the speech-to-text is the local stand-in, as
 * `createSpeech` makes it from the same key `describeVendors` reports), so the call route is given
 * none: choosing the mode then has no effect outside the ledger's statement, and a call needs no
 * ledger look-up ahead of it (one round trip instead of two).
 */
function callStreams(deps: HttpDependencies): VoiceStreams | undefined {
  const deepgram = deps.vendors.find((status) => status.vendor === 'deepgram');
  return deepgram?.mode === 'configured' ? deps.voiceStreams : undefined;
}

/**
 * The HTTP app as node's request listener: thin routes that parse, verify and hand over to the
 * use-cases. Twilio's webhooks are dispatched ahead of Express's router (`WebhookRoutes.listener`);
 * everything else is the Express app.
 */
export function createHttpApp(deps: HttpDependencies): (req: IncomingMessage, res: ServerResponse) => void {
  const app = express();
  app.disable('x-powered-by');
  if (deps.requestLogger) app.use(deps.requestLogger);

  const webhook = {
    publicUrl: deps.publicUrl,
    authToken: deps.twilioAuthToken,
    ledger: deps.ledger,
    logger: deps.logger,
    onReplay: (route: string) => deps.metrics.webhookReplaysTotal.inc({ route }),
    onResponse: (route: string, status: number) =>
      deps.metrics.webhookRequestsTotal.inc({ route, status: String(status) }),
  };

  // Webhooks first: nearly every request is one, and they need no other route's look.
  const webhooks = new WebhookRoutes();
  twilioVoiceRoutes(webhooks, {
    webhook,
    businesses: deps.businesses,
    gather: deps.conversations,
    streams: callStreams(deps),
    logger: deps.logger,
    onCallEnded: (outcome) => deps.metrics.callsTotal.inc({ outcome }),
  });
  twilioTextRoutes(webhooks, { webhook, texts: deps.conversations, lateReplies: deps.lateTextReplies, ipRateLimit: deps.textWebhookIpLimit });
  app.use(webhooks.middleware());

  app.use(healthRoutes({ checks: deps.healthChecks, vendors: deps.vendors, details: deps.healthDetails }));
  app.use(metricsRoutes({ registry: deps.metrics.registry, token: deps.metricsToken }));

  app.use(adminRoutes(deps.admin));

  app.use((req, _res, next) => next(new HttpError('not_found', `no route for ${req.method} ${req.path}`)));
  const onError = errorHandler(deps.logger);
  app.use(onError);
  return webhooks.listener(app, deps.requestLogger, onError);
}
