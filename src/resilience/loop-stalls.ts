/**
 * Remembers when this thread's event loop was stalled (a long synchronous task, a GC pause, the
 * process starved of CPU), so a vendor timeout can tell "the vendor was slow" from "we were not
 * running". After a stall, Node runs due timers before it reads sockets: an attempt whose answer
 * arrived during the stall times out before the answer is read, and counting that against the
 * vendor opens breakers on a healthy vendor whenever the machine is overloaded.
 *
 * One watcher per thread: a timer every `TICK_MS` (unref'd, so it never keeps a process alive)
 * that records each gap longer than `STALL_MS`. Timers run in the order they fell due, so the
 * watcher's tick records a stall before any later timeout's callback runs.
 */

const TICK_MS = 50;
/** A gap this much over the tick is a stall (the tick's own lateness on a busy loop stays below it). */
const STALL_MS = 100;
/** Stalls older than this are forgotten: no vendor attempt is that long. */
const REMEMBER_MS = 60_000;

interface Stall {
  startedMs: number;
  endedMs: number;
}

const stalls: Stall[] = [];
let watching: NodeJS.Timeout | undefined;
let lastTickMs = 0;

/** Starts the watcher (idempotent); stalls before the first call are not known. */
export function watchLoopStalls(): void {
  if (watching) return;
  lastTickMs = performance.now();
  watching = setInterval(onTick, TICK_MS).unref();
}

function onTick(): void {
  const now = performance.now();
  if (now - lastTickMs > TICK_MS + STALL_MS) {
    stalls.push({ startedMs: lastTickMs + TICK_MS, endedMs: now });
    while (stalls.length > 0 && now - stalls[0]!.endedMs > REMEMBER_MS) stalls.shift();
  }
  lastTickMs = now;
}

/**
 * How long the loop was stalled between `sinceMs` (a `performance.now()` time) and now, in ms,
 * counting a stall still in progress up to now (the caller runs just after one ended, before the
 * watcher's tick if it fell due later).
 */
export function stalledMsSince(sinceMs: number): number {
  onTick();
  let total = 0;
  for (const stall of stalls) total += Math.max(0, stall.endedMs - Math.max(stall.startedMs, sinceMs));
  return total;
}
