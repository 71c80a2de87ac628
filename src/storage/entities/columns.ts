import type { EntitySchemaColumnOptions } from 'typeorm';

/** Column shorthands shared by the entity schemas; the migrations own the real DDL. */
export const uuidPrimary: EntitySchemaColumnOptions = { type: 'uuid', primary: true, generated: 'uuid' };
export const text = (name: string, nullable = false): EntitySchemaColumnOptions => ({ name, type: 'text', nullable });
export const uuid = (name: string, nullable = false): EntitySchemaColumnOptions => ({ name, type: 'uuid', nullable });
export const integer = (name: string, nullable = false): EntitySchemaColumnOptions => ({ name, type: 'integer', nullable });
export const timestamp = (name: string, nullable = false): EntitySchemaColumnOptions => ({
  name,
  type: 'timestamptz',
  nullable,
});
export const createdAt: EntitySchemaColumnOptions = { name: 'created_at', type: 'timestamptz', createDate: true };
export const updatedAt: EntitySchemaColumnOptions = { name: 'updated_at', type: 'timestamptz', updateDate: true };
