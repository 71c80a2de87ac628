import type { RequestHandler } from 'express';
import { z } from 'zod';
import { prepareTextTurn, textTurnStatement, type PreparedTextTurn, type TextChannelDependencies } from '../../channels/inbound-text.js';
import type { LateTextReplies } from '../../channels/late-text-replies.js';
import { messagingTwiml } from '../../channels/messaging-twiml.js';
import { applyMessageStatus, MESSAGE_STATUSES } from '../../channels/message-status.js';
import type { TextChannel } from '../../storage/entities/conversation.js';
import type { WebhookRoutes } from '../webhook-routes.js';
import { twilioWebhook, type TwilioWebhookContext } from '../twilio-webhook.js';

/**
 * A texter gets the apology rather than nothing when a turn has not been answered by then: Twilio
 * gives up on a messaging webhook after 15 s and the text goes unanswered. Only a database that
 * accepts connections but never answers gets near it (each of its queries times out after 8 s);
 * texts from one number queued behind each other share the wait, hence the margin.
 */
const TEXT_ANSWER_WITHIN_MS = 12_000;

const textParams = z.looseObject({
  MessageSid: z.string().regex(/^(SM|MM)[0-9a-fA-F]{32}$/, 'expected a Twilio MessageSid (SM or MM + 32 hex digits)'),
  From: z.string().min(1),
  To: z.string().min(1),
  Body: z.string().default(''),
  NumMedia: z.coerce.number().int().nonnegative().default(0),
});
type TextParams = z.infer<typeof textParams>;

const statusParams = z.looseObject({
  MessageSid: textParams.shape.MessageSid,
  MessageStatus: z.enum(MESSAGE_STATUSES),
  ErrorCode: z.string().regex(/^\d*$/, 'expected a numeric Twilio error code').optional(),
});

export interface TextRouteDependencies {
  webhook: TwilioWebhookContext;
  /** Per-address cap on text webhooks; absent, none. */
  ipRateLimit?: RequestHandler | undefined;
  texts: TextChannelDependencies;
  lateReplies: LateTextReplies;
}

const twimlResponse = (body: string) => ({ status: 200, contentType: 'text/xml', body });

/** When the turn cannot be run or saved (Postgres down): an apology, never silence or a 500. */
const APOLOGY_TWIML = messagingTwiml("Sorry, we can't answer messages right now. Please try again in a few minutes.");

/**
 * `POST /twilio/sms` and `POST /twilio/whatsapp`: one text turn each, run once per MessageSid;
 * `POST /twilio/message-status`: delivery callbacks, once per MessageSid and status.
 */
export function twilioTextRoutes(routes: WebhookRoutes, deps: TextRouteDependencies): void {
  for (const channel of ['sms', 'whatsapp'] as const satisfies readonly TextChannel[]) {
    const route = `/twilio/${channel}`;
    routes.post(
      route,
      ...twilioWebhook<TextParams, PreparedTextTurn>(deps.webhook, {
        route,
        params: textParams,
        ...(deps.ipRateLimit ? { guard: deps.ipRateLimit } : {}),
        eventId: (params) => `${channel}:${params.MessageSid}`,
        oneAtATimeBy: (params) => `${channel}:${params.To}:${params.From}`,
        prepare: (params, event) =>
          prepareTextTurn(
            deps.texts,
            { messageSid: params.MessageSid, channel, from: params.From, to: params.To, body: params.Body, mediaCount: params.NumMedia },
            event,
          ),
        answeredBefore: (turn) => turn.answered,
        // The reply is known before the turn is saved: claim, turn and answer in one statement,
        // which aborts itself when another turn of the conversation saved first.
        statement(_params, turn) {
          const { twiml, steps } = textTurnStatement(turn);
          return {
            response: twimlResponse(twiml),
            steps,
            ...(turn.late ? { afterCommit: () => deps.lateReplies.finish(turn) } : {}),
          };
        },
        fallback: () => twimlResponse(APOLOGY_TWIML),
        answerWithinMs: TEXT_ANSWER_WITHIN_MS,
      }),
    );
  }
  routes.post(
    '/twilio/message-status',
    ...twilioWebhook(deps.webhook, {
      route: '/twilio/message-status',
      params: statusParams,
      eventId: (params) => `message-status:${params.MessageSid}:${params.MessageStatus}`,
      async handle(params, { manager }) {
        await applyMessageStatus(manager, {
          messageSid: params.MessageSid,
          status: params.MessageStatus,
          errorCode: params.ErrorCode || undefined,
        });
        return { status: 204, contentType: 'text/plain', body: '' };
      },
    }),
  );

}
