import OpenAI from 'openai';
import { DateTime } from 'luxon';
import { businessZone } from '../../scheduling/business-zone.js';
import { keepAliveFetch } from '../../resilience/keep-alive-fetch.js';
import type { VendorPolicy } from '../../resilience/vendor-policy.js';
import { answerJsonSchema, validateModelAnswer } from './llm-answer.js';
import type { Understanding, UnderstandingContext, Understood } from './types.js';

export interface OpenAIUnderstandingOptions {
  apiKey: string;
  /** OPENAI_BASE_URL, including `/v1`; the SDK's default when absent. */
  baseURL?: string | undefined;
  model: string;
  /** The `openai` policy: a short timeout (live callers are waiting) and at most one retry (for a call, after a quick failure only). */
  policy: VendorPolicy;
}

/** Everything the model needs to read one sentence, in a few lines. */
function instructions(context: UnderstandingContext): string {
  const local = DateTime.fromJSDate(context.now, { zone: businessZone(context.timeZone) });
  const business = context.business;
  const lines = [
    'You read one sentence a caller or texter said to a receptionist and return what it means as JSON.',
    `Now is ${local.toFormat("cccc yyyy-MM-dd HH:mm")} in ${context.timeZone}; resolve relative dates and times against it.`,
    'Set date/time only when the sentence itself states them. A bare hour means the business hours reading ("at 4" = 16:00).',
    'acts: what the sentence does (inform, inform_intent, request, select, affirm, negate, request_alts, thank_you, goodbye, affirm_intent, negate_intent).',
    'intent: what the conversation is about now (book, reschedule, cancel, availability, faq, transfer, other), or null if unclear.',
    'confidence: 0..1, how sure you are.',
  ];
  if (business) {
    lines.push(`Services (id: name, also called): ${business.services.map((s) => `${s.id}: ${[s.name, ...s.synonyms].join(' / ')}`).join('; ')}`);
    lines.push(`Staff (id: name): ${business.staff.map((m) => `${m.id}: ${m.name}`).join('; ')}`);
    if (business.faq.length) lines.push(`FAQ topics (id: question): ${business.faq.map((f) => `${f.id}: ${f.question}`).join('; ')}`);
  }
  if (context.previousIntent) lines.push(`The conversation so far is about: ${context.previousIntent}.`);
  if (context.expecting) lines.push(`The receptionist is waiting for: ${context.expecting}.`);
  if (context.previousPrompt) lines.push(`The receptionist just said: "${context.previousPrompt}"`);
  return lines.join('\n');
}

/**
 * Understanding by an OpenAI model with strict JSON-schema output. Used only when the rules are
 * unsure (see `HybridUnderstanding`); its answer is validated like any untrusted input.
 */
export function createOpenAIUnderstanding(options: OpenAIUnderstandingOptions): Understanding {
  // The policy owns timeouts and retries; the SDK's own are switched off so they do not stack. The
  // connection stays open between a call's turns (no TLS handshake in front of the answer).
  const client = new OpenAI({ apiKey: options.apiKey, baseURL: options.baseURL, maxRetries: 0, timeout: 60_000, fetch: keepAliveFetch() });
  return {
    async understand(utterance: string, context: UnderstandingContext): Promise<Understood> {
      const content = await options.policy.execute(
        async (signal) => {
          const completion = await client.chat.completions.create(
            {
              model: options.model,
              temperature: 0,
              messages: [
                { role: 'system', content: instructions(context) },
                { role: 'user', content: utterance },
              ],
              response_format: {
                type: 'json_schema',
                json_schema: { name: 'understood', strict: true, schema: answerJsonSchema(context.business) },
              },
            },
            { signal },
          );
          return completion.choices[0]?.message.content ?? '';
        },
        { idempotent: true, retryTimeouts: context.liveCaller !== true, signal: context.signal },
      );
      return validateModelAnswer(content, context.business);
    },
  };
}
