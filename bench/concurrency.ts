/**
 * Concurrency: N simultaneous calls on one web process (this thread), each streaming both ways:
 * the caller's microphone sends a frame every 20 ms for the whole call, the greeting plays, the
 * caller says one utterance (generated audio, not espeak), the reply is synthesised and played.
 * Twilio's side and the vendor fakes run on a worker thread (`concurrency-callers.ts`, with the
 * lean callers of `lean-callers.ts` and without the app on its heap).
 *
 * Per N: CPU per call (this thread's own CPU time, and the whole process's including the worker),
 * the web thread's event-loop busy share, outbound frame jitter p99 (|gap − 20 ms| between
 * consecutive frames of one playback, at the caller), event-loop lag p99 of the web thread (the
 * delay beyond the histogram's sampling period), frames late beyond Twilio's jitter allowance
 * (> 60 ms behind their schedule, an audible gap), the web thread's GC pauses (they stop the
 * frame clock like any long task), frames that never came and calls that failed. The limit is
 * the largest N with jitter p99 ≤ 10 ms and none late, missing or failed. The caller thread's own
 * lag is printed: its timing is part of the jitter seen, so on a loaded 2-core machine the figure
 * is an upper bound for the web process.
 */
import { monitorEventLoopDelay, performance, PerformanceObserver } from 'node:perf_hooks';
import { findBusiness } from '../src/tools/business-file.js';
import { startLocalFrontdesk, type VendorUrls } from '../src/tools/call-harness.js';
import { parseEnv } from '../src/config/env.js';
import { WorkerPeer } from '../test/support/worker-peer.js';
import { benchLogger, figure, percentile } from './call-bench.js';
import { LAG_RESOLUTION_MS, loopDelayP99Ms } from './measure.js';
import type { CallersResult, CallersRun } from './concurrency-callers.js';

/** BENCH_CONCURRENCY_SIZES=100,300 runs only those (profiling). */
const SIZES = (process.env.BENCH_CONCURRENCY_SIZES ?? '50,100,200,300,500').split(',').map(Number);
/** A pause longer than this between two frames is the gap between two playbacks. */
const PLAYBACK_GAP_MS = 250;
/** Behind schedule by more than this, a frame arrives after Twilio needed it. */
const LATE_MS = 60;
const FRAME_MS = 20;

interface Pacing {
  gapsJitterMs: number[];
  lateFrames: number;
  frames: number;
  /** Frames short of what most calls received (every call hears the same greeting and reply). */
  missingFrames: number;
}

/** Splits each call's frames into playbacks and measures their pacing. */
function pacing(frameTimes: number[][]): Pacing {
  const result: Pacing = { gapsJitterMs: [], lateFrames: 0, frames: 0, missingFrames: 0 };
  const expected = mostCommon(frameTimes.map((times) => times.length));
  for (const times of frameTimes) result.missingFrames += Math.max(0, expected - times.length);
  for (const times of frameTimes) {
    result.frames += times.length;
    let runStart = 0;
    for (let i = 0; i < times.length; i += 1) {
      if (i === 0 || times[i]! - times[i - 1]! > PLAYBACK_GAP_MS) {
        runStart = i;
        continue;
      }
      result.gapsJitterMs.push(Math.abs(times[i]! - times[i - 1]! - FRAME_MS));
      // The first frame goes out at once and the second on the next clock tick, up to 20 ms later.
      const dueMs = times[runStart]! + (i - runStart) * FRAME_MS + FRAME_MS;
      if (times[i]! - dueMs > LATE_MS) result.lateFrames += 1;
    }
  }
  return result;
}

function mostCommon(values: number[]): number {
  const counts = new Map<number, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 0;
}

class Callers {
  readonly #peer = new WorkerPeer(new URL('./concurrency-callers.ts', import.meta.url));

  urls(): Promise<VendorUrls> {
    return this.#peer.ask<{ urls: VendorUrls }>().then((message) => message.urls);
  }

  run(run: CallersRun): Promise<CallersResult> {
    return this.#peer.ask<{ result: CallersResult }>({ run }).then((message) => message.result);
  }

  close(): Promise<void> {
    return this.#peer.close({ close: true });
  }
}

export async function concurrencyBench(): Promise<void> {
  const env = parseEnv();
  const business = findBusiness(env.BUSINESS_CONFIG, 'salon', (message) => {
    throw new Error(message);
  });
  const callers = new Callers();
  const urls = await callers.urls();
  const frontdesk = await startLocalFrontdesk(env, urls, {
    logger: benchLogger(),
    role: 'web',
    overrides: { MAX_CALLS: Math.max(...SIZES) + 50 },
  });
  let limit = 0;
  const run = (calls: number) =>
    callers.run({
      calls,
      target: frontdesk.target,
      publicUrl: frontdesk.publicUrl,
      authToken: frontdesk.authToken,
      to: business.phoneNumbers[0]!,
      // Arrivals spread over 5 s: every call is up for most of the run, but their turns do not
      // all land in the same few milliseconds, which no real traffic does.
      staggerMs: 5000 / calls,
      deadlineMs: 45_000,
    });
  try {
    // Unmeasured: the first calls load and compile modules (SDK code paths, TwiML, dialog).
    await run(10);
    for (const calls of SIZES) {
      const lag = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS });
      // GC pauses stop the web thread like any long task: are they what the lag p99 is made of?
      const gcPausesMs: number[] = [];
      const gc = new PerformanceObserver((list) => gcPausesMs.push(...list.getEntries().map((entry) => entry.duration)));
      gc.observe({ entryTypes: ['gc'] });
      const eluBefore = performance.eventLoopUtilization();
      const cpuBefore = process.cpuUsage();
      const threadCpuBefore = process.threadCpuUsage();
      const startedMs = performance.now();
      lag.enable();
      const result = await run(calls);
      lag.disable();
      gc.disconnect();
      const wallMs = performance.now() - startedMs;
      const elu = performance.eventLoopUtilization(eluBefore);
      const cpu = process.cpuUsage(cpuBefore);
      const threadCpu = process.threadCpuUsage(threadCpuBefore);
      const paced = pacing(result.frameTimes);
      const jitterP99Ms = percentile(paced.gapsJitterMs, 99);
      const prefix = `concurrency_${calls}`;
      // The thread's own CPU time, not its event loop's busy time: on a loaded machine a thread
      // that is waiting for a core counts as busy, so only this one compares across runs.
      figure(`${prefix}_web_thread_cpu_pct_per_call`, ((((threadCpu.user + threadCpu.system) / 1000 / wallMs) * 100) / calls).toFixed(3), '% of a core');
      figure(`${prefix}_process_cpu_pct_per_call`, ((((cpu.user + cpu.system) / 1000 / wallMs) * 100) / calls).toFixed(3), '% of a core');
      figure(`${prefix}_web_thread_busy_pct`, elu.utilization * 100, '%');
      figure(`${prefix}_frame_jitter_p99`, jitterP99Ms, 'ms');
      figure(`${prefix}_event_loop_lag_p99`, loopDelayP99Ms(lag), 'ms');
      figure(`${prefix}_gc_pauses`, gcPausesMs.length, `(${Math.round(gcPausesMs.reduce((sum, ms) => sum + ms, 0))} ms in all)`);
      figure(`${prefix}_gc_pause_max`, Math.max(0, ...gcPausesMs), 'ms');
      figure(`${prefix}_late_frames`, paced.lateFrames, `of ${paced.frames}`);
      figure(`${prefix}_missing_frames`, paced.missingFrames, 'frames');
      figure(`${prefix}_failed_calls`, result.callsFailed, `of ${calls}`);
      figure(`${prefix}_caller_thread_lag_p99`, result.callerLoopDelayP99Ms, 'ms');
      if (jitterP99Ms <= 10 && paced.lateFrames + paced.missingFrames + result.callsFailed === 0) limit = calls;
    }
    figure('concurrency_max_calls_jitter_p99_le_10ms_no_drops', limit, 'calls');
  } finally {
    await frontdesk.close();
    await callers.close();
  }
}
