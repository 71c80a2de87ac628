import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { Logger } from '../observability/logger.js';
import { applyCallStatus } from '../voice/call-status.js';
import type { LocalCalls } from '../voice/stream/media-stream-calls.js';

export interface SoftphoneLineOptions {
  dataSource: DataSource;
  logger: Logger;
  /** Counts an ended call, as the status-callback route does for Twilio's calls. */
  onCallEnded(outcome: string): void;
  /** How long an upgrade token is good for. Default 30 000 ms: the page connects right after asking. */
  upgradeTokenTtlMs?: number;
  /** Default `Date.now`. */
  now?: () => number;
}

const FORGET_CALLS_AFTER_MS = 12 * 3_600_000;

interface PendingUpgrade {
  callSid: string;
  expiresAt: number;
}

/**
 * The admin softphone's side of `/media-streams`: the calls it placed in this process and their
 * one-time upgrade tokens. A browser cannot sign its websocket upgrade, so it shows the token in
 * the query instead (`/media-streams?softphone=…`); the call's own stream token is still checked
 * on `start`, as for Twilio.
 *
 * Kept in memory: the page asks for the call and connects seconds later, through the process
 * that placed it. Behind a load balancer with several web processes, route `/admin` and
 * `/media-streams` of one admin to the same process (or run the softphone against one process).
 */
export class SoftphoneLine implements LocalCalls {
  readonly #options: SoftphoneLineOptions;
  readonly #now: () => number;
  readonly #upgrades = new Map<string, PendingUpgrade>();
  /** callSid → when the call was placed (ms), for its duration. */
  readonly #calls = new Map<string, number>();
  readonly #finishing = new Set<Promise<void>>();

  constructor(options: SoftphoneLineOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  get upgradeTokenTtlMs(): number {
    return this.#options.upgradeTokenTtlMs ?? 30_000;
  }

  /** Takes a call placed by the softphone; answers the token its websocket upgrade must carry. */
  register(callSid: string): string {
    this.#forgetExpired();
    const token = randomBytes(24).toString('base64url');
    this.#upgrades.set(token, { callSid, expiresAt: this.#now() + this.upgradeTokenTtlMs });
    this.#calls.set(callSid, this.#now());
    return token;
  }

  readonly authorizeUpgrade = (requestUrl: string): boolean => {
    const token = new URL(requestUrl, 'http://upgrade.invalid').searchParams.get('softphone');
    if (!token) return false;
    const pending = this.#upgrades.get(token);
    // One use only, whether or not it is still fresh.
    this.#upgrades.delete(token);
    return pending !== undefined && pending.expiresAt > this.#now();
  };

  readonly owns = (callSid: string): boolean => this.#calls.has(callSid);

  readonly streamStopped = (callSid: string): void => {
    const placedAt = this.#calls.get(callSid);
    if (placedAt === undefined) return;
    this.#calls.delete(callSid);
    const finishing = this.#complete(callSid, Math.round((this.#now() - placedAt) / 1000)).catch((error: unknown) =>
      this.#options.logger.error({ callSid, err: error }, 'softphone call could not be marked completed'),
    );
    this.#finishing.add(finishing);
    void finishing.finally(() => this.#finishing.delete(finishing));
  };

  /** Waits for ended calls to be stored. */
  async close(): Promise<void> {
    await Promise.all(this.#finishing);
  }

  /** What Twilio's status callback would do: `completed`, the duration, the summary job. */
  async #complete(callSid: string, durationSeconds: number): Promise<void> {
    const result = await this.#options.dataSource.transaction((manager) =>
      applyCallStatus(manager, { callSid, callStatus: 'completed', durationSeconds }),
    );
    if (result.endedWithOutcome) this.#options.onCallEnded(result.endedWithOutcome);
  }

  /**
   * Tokens never used: their calls never connected, so they are no longer ours to end. A call
   * whose stream never started (so never stopped) is forgotten after a working day.
   */
  #forgetExpired(): void {
    const now = this.#now();
    for (const [token, pending] of this.#upgrades) {
      if (pending.expiresAt > now) continue;
      this.#upgrades.delete(token);
      this.#calls.delete(pending.callSid);
    }
    for (const [callSid, placedAt] of this.#calls) if (now - placedAt > FORGET_CALLS_AFTER_MS) this.#calls.delete(callSid);
  }
}
