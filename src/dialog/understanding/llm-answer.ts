import { z } from 'zod';
import { normalizePhoneNumber } from '../../config/business-schema.js';
import type { Business } from '../../config/business-schema.js';
import { dialogActs, intents, type Slots, type Understood } from './types.js';

/**
 * The JSON schema the model must answer in (OpenAI strict mode: every property required,
 * `additionalProperties: false`, nullable where absent is allowed), and the validation of what
 * comes back: a model's answer is untrusted input, checked field by field like a webhook's.
 */
export function answerJsonSchema(business: Business | undefined) {
  const ids = (list: { id: string }[] | undefined) => ({ type: ['string', 'null'], ...(list?.length ? { enum: [...list.map((item) => item.id), null] } : {}) });
  const text = { type: ['string', 'null'] };
  return {
    type: 'object',
    additionalProperties: false,
    required: [
      'acts', 'intent', 'date', 'time', 'time_of_day', 'service', 'staff', 'name', 'phone', 'email', 'faq_topic', 'requested',
      'choice', 'shift', 'confidence',
    ],
    properties: {
      acts: { type: 'array', items: { type: 'string', enum: [...dialogActs] } },
      intent: { type: ['string', 'null'], enum: [...intents, null] },
      date: { ...text, description: 'YYYY-MM-DD in the business time zone, only when the sentence states a date' },
      time: { ...text, description: 'HH:MM 24-hour, only when the sentence states a clock time' },
      time_of_day: {
        type: ['object', 'null'],
        additionalProperties: false,
        required: ['from', 'to'],
        properties: { from: { type: 'string' }, to: { type: 'string' } },
      },
      service: ids(business?.services),
      staff: ids(business?.staff),
      name: text,
      phone: text,
      email: text,
      faq_topic: ids(business?.faq),
      requested: { type: 'array', items: { type: 'string' } },
      choice: { type: ['integer', 'null'], description: 'which offered option is picked: 1, 2 or 3, or -1 for the last; null when none' },
      shift: { type: ['string', 'null'], enum: ['earlier', 'later', null], description: 'asks for times earlier or later than those offered' },
      confidence: { type: 'number' },
    },
  };
}

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/);
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).refine((value) => !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value));

const rawAnswer = z.object({
  acts: z.array(z.enum(dialogActs)),
  intent: z.enum(intents).nullable(),
  date: z.string().nullable(),
  time: z.string().nullable(),
  time_of_day: z.object({ from: z.string(), to: z.string() }).nullable(),
  service: z.string().nullable(),
  staff: z.string().nullable(),
  name: z.string().nullable(),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  faq_topic: z.string().nullable(),
  requested: z.array(z.string()),
  // Added after the first schema: an answer without them is still read.
  choice: z.number().nullable().optional(),
  shift: z.enum(['earlier', 'later']).nullable().optional(),
  confidence: z.number(),
});

export class InvalidModelAnswer extends Error {
  override name = 'InvalidModelAnswer';
}

/**
 * Parses and checks the model's JSON. The shape must match or the whole answer is refused; a
 * field that fails its own check (a date that does not exist, a service the business does not
 * offer, a number that is not a phone number) is dropped and the rest kept.
 */
export function validateModelAnswer(json: string, business: Business | undefined): Understood {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new InvalidModelAnswer('the model did not answer JSON');
  }
  const result = rawAnswer.safeParse(parsed);
  if (!result.success) throw new InvalidModelAnswer(`the model's answer has the wrong shape: ${result.error.issues[0]?.message}`);
  const answer = result.data;
  const known = (list: { id: string }[] | undefined, id: string | null) =>
    id !== null && (list === undefined || list.some((item) => item.id === id)) ? id : undefined;

  const slots: Slots = {};
  if (answer.date !== null && isoDate.safeParse(answer.date).success) slots.date = answer.date;
  if (answer.time !== null && clock.safeParse(answer.time).success) slots.time = answer.time;
  if (answer.time_of_day && clock.safeParse(answer.time_of_day.from).success && clock.safeParse(answer.time_of_day.to).success) {
    slots.timeOfDay = answer.time_of_day;
  }
  const service = known(business?.services, answer.service);
  if (service) slots.service = service;
  const staff = known(business?.staff, answer.staff);
  if (staff) slots.staff = staff;
  const faqTopic = known(business?.faq, answer.faq_topic);
  if (faqTopic) slots.faqTopic = faqTopic;
  if (answer.name?.trim()) slots.name = answer.name.trim().slice(0, 80);
  const phone = answer.phone ? normalizePhoneNumber(answer.phone) : undefined;
  if (phone) slots.phone = phone;
  if (answer.email && z.email().safeParse(answer.email).success) slots.email = answer.email;
  if (answer.requested.length) slots.requested = answer.requested.slice(0, 10);
  if (answer.choice === -1 || (answer.choice !== null && answer.choice !== undefined && [1, 2, 3].includes(answer.choice))) slots.choice = answer.choice;
  if (answer.shift) slots.shift = answer.shift;
  return {
    acts: [...new Set(answer.acts)],
    ...(answer.intent ? { intent: answer.intent } : {}),
    slots,
    confidence: Math.min(1, Math.max(0, answer.confidence)),
  };
}
