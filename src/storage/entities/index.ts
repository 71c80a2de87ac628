import { BookingEntity } from './booking.js';
import { BusinessEntity, BusinessPhoneNumberEntity } from './business.js';
import { CallEntity, CallTurnEntity } from './call.js';
import { ServiceEntity, StaffEntity } from './catalogue.js';
import { ConversationEntity, MessageEntity } from './conversation.js';
import { CustomerEntity } from './customer.js';
import { OutboxEntity } from './outbox.js';
import { WebhookEventEntity } from './webhook-event.js';

export * from './booking.js';
export * from './business.js';
export * from './call.js';
export * from './catalogue.js';
export * from './conversation.js';
export * from './customer.js';
export * from './outbox.js';
export * from './webhook-event.js';

export const entities = [
  BusinessEntity,
  BusinessPhoneNumberEntity,
  ServiceEntity,
  StaffEntity,
  CustomerEntity,
  CallEntity,
  CallTurnEntity,
  ConversationEntity,
  MessageEntity,
  BookingEntity,
  WebhookEventEntity,
  OutboxEntity,
];
