import { dueCalendarSyncs, runCalendarSync, type CalendarSyncDependencies } from './calendar-sync.js';

/**
 * Drives calendar-sync outbox rows in the worker until the outbox relay and BullMQ (the jobs
 * issue) take over the scheduling of this work; `runCalendarSync` stays the unit of work.
 * One pass at a time; a pass that fails is logged once until one succeeds.
 */
export function startCalendarSyncLoop(deps: CalendarSyncDependencies, intervalMs = 2000): { stop(): Promise<void> } {
  let stopped = false;
  let failing = false;
  let pass: Promise<void> = Promise.resolve();

  const runPass = async () => {
    try {
      for (const id of await dueCalendarSyncs(deps.dataSource)) {
        if (stopped) return;
        await runCalendarSync(deps, id);
      }
      failing = false;
    } catch (error) {
      if (!failing) deps.logger.error({ err: error }, 'calendar sync pass failed');
      failing = true;
    }
  };
  const timer = setInterval(() => {
    pass = pass.then(runPass);
  }, intervalMs);
  timer.unref();

  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await pass;
    },
  };
}
