import { EntitySchema } from 'typeorm';
import { createdAt, text, updatedAt } from './columns.js';

export interface BusinessRow {
  id: string;
  name: string;
  timeZone: string;
  /** The validated business file as loaded at start (hours, rules, FAQ, messaging). */
  settings: unknown;
  createdAt: Date;
  updatedAt: Date;
}

export const BusinessEntity = new EntitySchema<BusinessRow>({
  name: 'Business',
  tableName: 'businesses',
  columns: {
    id: { type: 'text', primary: true },
    name: text('name'),
    timeZone: text('time_zone'),
    settings: { type: 'jsonb' },
    createdAt,
    updatedAt,
  },
});

export interface BusinessPhoneNumberRow {
  phoneNumber: string;
  businessId: string;
}

export const BusinessPhoneNumberEntity = new EntitySchema<BusinessPhoneNumberRow>({
  name: 'BusinessPhoneNumber',
  tableName: 'business_phone_numbers',
  columns: {
    phoneNumber: { name: 'phone_number', type: 'text', primary: true },
    businessId: text('business_id'),
  },
});
