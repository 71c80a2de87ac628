import { EntitySchema } from 'typeorm';
import { createdAt, text, timestamp, updatedAt, uuidPrimary } from './columns.js';

export interface CustomerRow {
  id: string;
  businessId: string;
  /** E.164. */
  phone: string | null;
  name: string | null;
  email: string | null;
  optedOutAt: Date | null;
  /** Opens WhatsApp's 24-hour window for free-form replies. */
  lastWhatsappInboundAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export const CustomerEntity = new EntitySchema<CustomerRow>({
  name: 'Customer',
  tableName: 'customers',
  columns: {
    id: uuidPrimary,
    businessId: text('business_id'),
    phone: text('phone', true),
    name: text('name', true),
    email: text('email', true),
    optedOutAt: timestamp('opted_out_at', true),
    lastWhatsappInboundAt: timestamp('last_whatsapp_inbound_at', true),
    createdAt,
    updatedAt,
  },
});
