import { InitialSchema1764000000000 } from './1764000000000-initial-schema.js';
import { BookingAppointmentTimes1764100000000 } from './1764100000000-booking-appointment-times.js';
import { DialogState1764200000000 } from './1764200000000-dialog-state.js';
import { OutboxRelay1764300000000 } from './1764300000000-outbox-relay.js';
import { CallStreamToken1764400000000 } from './1764400000000-call-stream-token.js';
import { CallStreamFallback1764550000000 } from './1764550000000-call-stream-fallback.js';
import { BookingChanges1764600000000 } from './1764600000000-booking-changes.js';
import { StaleWriteRefusal1764900000000 } from './1764900000000-stale-write-refusal.js';

/** Every migration in order. Listed as classes (not a glob) so source and compiled runs agree. */
export const migrations = [InitialSchema1764000000000, BookingAppointmentTimes1764100000000, DialogState1764200000000, OutboxRelay1764300000000, CallStreamToken1764400000000, CallStreamFallback1764550000000, BookingChanges1764600000000, StaleWriteRefusal1764900000000];
