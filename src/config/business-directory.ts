import { normalizePhoneNumber } from './business-schema.js';
import type { Business } from './business-schema.js';

/**
 * The loaded businesses, looked up the ways webhooks need: a call's `To` number, a text's `To`
 * sender number, or a business id. Numbers are compared in E.164, so `whatsapp:+1 718…` and
 * `+1718…` find the same business.
 */
export class BusinessDirectory {
  readonly #businesses: readonly Business[];
  readonly #byId = new Map<string, Business>();
  readonly #byPhoneNumber = new Map<string, Business>();
  readonly #byMessagingNumber = new Map<string, Business>();

  /** Throws when two businesses share an id or a number; loadBusinesses reports those first. */
  constructor(businesses: readonly Business[]) {
    this.#businesses = Object.freeze([...businesses]);
    for (const business of businesses) {
      claim(this.#byId, business.id, business, 'business id');
      // Loaded businesses already hold E.164; hand-built ones (in tests) may not.
      for (const number of business.phoneNumbers.map(asE164)) {
        claim(this.#byPhoneNumber, number, business, 'phone number');
        claim(this.#byMessagingNumber, number, business, 'phone number');
      }
      const { smsFrom, whatsappFrom } = business.messaging;
      for (const number of [smsFrom, whatsappFrom]) {
        if (number !== undefined) claim(this.#byMessagingNumber, asE164(number), business, 'messaging number');
      }
    }
  }

  all(): readonly Business[] {
    return this.#businesses;
  }

  get(id: string): Business | undefined {
    return this.#byId.get(id);
  }

  /** The business a call to `number` (Twilio's `To`) is for. */
  findByPhoneNumber(number: string): Business | undefined {
    return lookUp(this.#byPhoneNumber, number);
  }

  /**
   * The business an SMS or WhatsApp message to `number` is for: its voice numbers and its
   * `messaging.smsFrom` / `messaging.whatsappFrom` senders all route to it.
   */
  findByMessagingNumber(number: string): Business | undefined {
    return lookUp(this.#byMessagingNumber, number);
  }
}

function claim(index: Map<string, Business>, key: string, business: Business, what: string): void {
  const holder = index.get(key);
  if (holder !== undefined && holder !== business) {
    throw new Error(`${what} ${key} belongs to both "${holder.id}" and "${business.id}"`);
  }
  index.set(key, business);
}

function asE164(number: string): string {
  return normalizePhoneNumber(number) ?? number;
}

function lookUp(index: Map<string, Business>, number: string): Business | undefined {
  // Twilio sends E.164 already: the exact key saves parsing the number on every webhook (~10 µs).
  const exact = index.get(number);
  if (exact !== undefined) return exact;
  const e164 = normalizePhoneNumber(number);
  return e164 === undefined ? undefined : index.get(e164);
}
