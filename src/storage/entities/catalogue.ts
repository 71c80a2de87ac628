import { EntitySchema } from 'typeorm';
import { integer, text, uuidPrimary } from './columns.js';

export interface ServiceRow {
  id: string;
  businessId: string;
  /** The service's id in the business file; stable across restarts. */
  key: string;
  name: string;
  durationMinutes: number;
  bufferBeforeMinutes: number;
  bufferAfterMinutes: number;
  priceMinorUnits: number | null;
  currency: string | null;
  /** False once the service disappears from the business file; old bookings still point at it. */
  active: boolean;
}

export const ServiceEntity = new EntitySchema<ServiceRow>({
  name: 'Service',
  tableName: 'services',
  columns: {
    id: uuidPrimary,
    businessId: text('business_id'),
    key: text('key'),
    name: text('name'),
    durationMinutes: integer('duration_minutes'),
    bufferBeforeMinutes: integer('buffer_before_minutes'),
    bufferAfterMinutes: integer('buffer_after_minutes'),
    priceMinorUnits: integer('price_minor_units', true),
    currency: { name: 'currency', type: 'char', length: 3, nullable: true },
    active: { type: 'boolean' },
  },
});

export interface StaffRow {
  id: string;
  businessId: string;
  key: string;
  name: string;
  active: boolean;
}

export const StaffEntity = new EntitySchema<StaffRow>({
  name: 'Staff',
  tableName: 'staff',
  columns: {
    id: uuidPrimary,
    businessId: text('business_id'),
    key: text('key'),
    name: text('name'),
    active: { type: 'boolean' },
  },
});
