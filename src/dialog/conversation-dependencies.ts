import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { BusinessDirectory } from '../config/business-directory.js';
import type { DialogDependencies } from './policy/dialog-engine.js';

/**
 * What a channel needs to carry a conversation turn by turn — a text thread or a call in
 * Twilio's speech mode: where state lives, which business a number reaches, the dialog's own
 * dependencies (the business is picked per turn), and the clock.
 */
export interface ConversationDependencies {
  dataSource: DataSource;
  businesses: BusinessDirectory;
  dialog: Omit<DialogDependencies, 'business'>;
  /** The current instant; the chat simulator and tests pin it. */
  now(): Date;
  logger: Logger;
}
