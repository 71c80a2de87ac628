import type { Business } from '../../config/business-schema.js';

/** What a caller's sentence does in the conversation; one sentence can do several things. */
export const dialogActs = [
  'inform',
  'inform_intent',
  'request',
  'select',
  'affirm',
  'negate',
  'request_alts',
  'thank_you',
  'goodbye',
  'affirm_intent',
  'negate_intent',
] as const;
export type DialogAct = (typeof dialogActs)[number];

/** What the whole conversation is about at this point. `other` is anything a receptionist does not handle itself. */
export const intents = ['book', 'reschedule', 'cancel', 'availability', 'faq', 'transfer', 'other'] as const;
export type Intent = (typeof intents)[number];

/** What the receptionist last asked for, so a bare answer ("the fourth", "yes") can be read. */
export type Expectation = 'service' | 'staff' | 'date' | 'time' | 'phone' | 'name' | 'confirmation' | 'choice';

export interface UnderstandingContext {
  /** The instant the sentence was said; dates and times resolve against it on the business's wall clock. */
  now: Date;
  /** IANA zone in which "today" and "at 4" are meant (the business's zone). */
  timeZone: string;
  /** The receptionist's previous sentence, if any. */
  previousPrompt?: string;
  /** The conversation's intent so far, kept by the dialog state. */
  previousIntent?: Intent;
  /** Its vocabulary (services, staff, FAQ) and opening hours; without it bare hours resolve within 08:00–20:00. */
  business?: Business;
  expecting?: Expectation;
  /** Aborted when the turn is dropped (the caller spoke over us): the model call stops. */
  signal?: AbortSignal | undefined;
  /**
   * Someone is on the line waiting for the answer (a call): a model attempt that timed out is not
   * tried again, since a second one cannot end within the 2 s a spoken turn has (DESIGN). A text
   * may wait; its reply goes out later when the turn runs long.
   */
  liveCaller?: boolean;
}

/** A time-of-day range such as "in the morning", as wall-clock "HH:MM" in the business's zone. */
export interface TimeOfDay {
  from: string;
  to: string;
}

export interface Slots {
  /** Calendar date "YYYY-MM-DD" in the business's zone. */
  date?: string;
  /** "next week", "this weekend": days on the business's wall clock, both included; only when no `date`. */
  dateRange?: { from: string; to: string };
  /** Wall-clock "HH:MM" (24-hour); "24:00" is midnight at the end of `date`. */
  time?: string;
  timeOfDay?: TimeOfDay;
  /** A service id of the business. */
  service?: string;
  /** A staff id of the business. */
  staff?: string;
  name?: string;
  /** E.164. */
  phone?: string;
  email?: string;
  /** Digits read out one by one (a code, a reference), without separators. */
  digits?: string;
  /** An FAQ id of the business. */
  faqTopic?: string;
  /** Which offered option the caller picks, 1-based; -1 is "the last one". */
  choice?: number;
  /** "anything earlier?" / "later please": move the times offered that way. */
  shift?: 'earlier' | 'later';
  /** What the caller asks about: "address", "phone_number", "opening_hours", "price", ... */
  requested?: string[];
}

export interface Understood {
  acts: DialogAct[];
  intent?: Intent;
  slots: Slots;
  /** 0..1: how sure the reader is; low values should make the dialog confirm or ask again. */
  confidence: number;
}

export interface Understanding {
  understand(utterance: string, context: UnderstandingContext): Promise<Understood>;
}
