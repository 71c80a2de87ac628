import type { EntityManager } from 'typeorm';

export interface CustomerDetails {
  /** E.164. */
  phone?: string | undefined;
  name?: string | undefined;
  email?: string | undefined;
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
