import type { EntityManager } from 'typeorm';
import { parsePhoneNumberFromString } from 'libphonenumber-js';

/**
 * A North American number in E.164, as Twilio sends nearly every one: libphonenumber answers it
 * unchanged whatever its ten digits (every one of 200 000 random ones), but only after trying it
 * against each of the ~25 countries sharing +1 (~5 % of an SMS webhook's JavaScript).
 */
const NANP_E164 = /^\+1\d{10}$/;

/**
 * The customer's number in E.164 from a Twilio address (`+1…`, `whatsapp:+1…`), or undefined for
 * softphone identities (`client:…`) and withheld numbers. "Possible" rather than "valid": Twilio
 * has already routed the call or text, and numbers from new or fictional ranges (555) are real
 * customers to a business even when libphonenumber's tables do not know them.
 */
export function customerPhoneNumber(address: string): string | undefined {
  const number = address.startsWith('whatsapp:') ? address.slice('whatsapp:'.length) : address;
  if (NANP_E164.test(number)) return number;
  const parsed = parsePhoneNumberFromString(number);
  return parsed?.isPossible() ? parsed.number : undefined;
}

export interface CustomerDetails {
  /** E.164. */
  phone?: string | undefined;
  name?: string | undefined;
  email?: string | undefined;
}

/**
 * `upsertCustomer` for a phone number alone, as the body of a `WITH` item yielding the customer's
 * `id` and `opted_out_at`: a statement that writes rows hanging off the customer (a call, a
 * conversation) takes the customer in the same round trip. `business` and `phone` are the
 * statement's placeholders for them (`$1`); with `onlyWith`, the customer is taken only when
 * that item of the statement has a row.
 */
export function customerByPhoneSql(business: string, phone: string, onlyWith?: string): string {
  return `INSERT INTO customers (business_id, phone) SELECT ${business}, ${phone}${onlyWith ? ` FROM ${onlyWith}` : ''}
     ON CONFLICT (business_id, phone) DO UPDATE SET updated_at = now()
     RETURNING id, opted_out_at`;
}

/**
 * Finds the business's customer with this phone number, creating them if new, and fills in a
 * name or email we did not have. Without a phone number (a softphone caller) there is no one to
 * remember, unless an email is given: then a customer keyed by nothing but the row is created.
 */
export async function upsertCustomer(
  manager: EntityManager,
  businessId: string,
  details: CustomerDetails,
): Promise<string | undefined> {
  if (!details.phone) {
    if (!details.email && !details.name) return undefined;
    const rows: { id: string }[] = await manager.query(
      `INSERT INTO customers (business_id, name, email) VALUES ($1, $2, $3) RETURNING id`,
      [businessId, details.name ?? null, details.email ?? null],
    );
    return rows[0]?.id;
  }
  const rows: { id: string }[] = await manager.query(
    `INSERT INTO customers (business_id, phone, name, email) VALUES ($1, $2, $3, $4)
     ON CONFLICT (business_id, phone) DO UPDATE SET
       name = coalesce(EXCLUDED.name, customers.name),
       email = coalesce(EXCLUDED.email, customers.email),
       updated_at = now()
     RETURNING id`,
    [businessId, details.phone, details.name ?? null, details.email ?? null],
  );
  return rows[0]?.id;
}
