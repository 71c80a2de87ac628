/**
 * Outbound pacing over real local websockets, measured at the receiving (Twilio) side:
 * - `pacer_drift_after_60s`: one call plays 60 s of audio; how far the last frame's arrival
 *   is from 2999 × 20 ms after the first (positive: late). A timer per frame would drift by
 *   seconds; an anchored clock stays within a timer tick.
 * - `pacer_100_calls_*`: 100 calls play 10 s at once on the one shared clock: worst drift,
 *   (largest absolute), the p99 gap between consecutive frames of a call, and CPU used by this process (server and
 *   all 100 fake Twilio clients together) as a share of one core.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { silentLogger } from '../media-streams/logger.js';
import { FRAME_BYTES, FRAME_MS } from '../media-streams/mulaw.js';
import { attachMediaStreamServer } from '../media-streams/server.js';
import type { MediaStreamSession } from '../media-streams/session.js';
import { TwilioMediaClient } from '../test/fakes/twilio-media.js';
import { percentile } from './measure.js';

const AUTH_TOKEN = 'bench-token';
const PUBLIC_URL = 'https://bench.example';

interface CallFigures {
  frames: number;
  driftMs: number;
  gapsMs: number[];
}

async function playCalls(calls: number, seconds: number): Promise<CallFigures[]> {
  const http = createServer();
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const sessions = new Map<string, MediaStreamSession>();
  const server = attachMediaStreamServer(http, {
    publicUrl: PUBLIC_URL,
    authToken: AUTH_TOKEN,
    authorizeStart: () => true,
    onSession: (session) => sessions.set(session.callSid, session),
    logger: silentLogger,
    session: { voiceActivity: false },
  });
  const url = `ws://127.0.0.1:${(http.address() as AddressInfo).port}/media-streams`;
  try {
    const clients = await Promise.all(
      Array.from({ length: calls }, () =>
        TwilioMediaClient.connect({ url, signedUrl: `wss://bench.example/media-streams`, authToken: AUTH_TOKEN }),
      ),
    );
    for (const client of clients) client.start();
    while (sessions.size < calls) await new Promise((resolve) => setTimeout(resolve, 10));
    const frames = (seconds * 1000) / FRAME_MS;
    const audio = Buffer.alloc(frames * FRAME_BYTES, 0x7e);
    await Promise.all([...sessions.values()].map((session) => session.play(audio).done));
    // The end mark's echo can beat the last frame's delivery by a hair; let it land.
    await new Promise((resolve) => setTimeout(resolve, 100));
    for (const client of clients) client.close();
    return clients.map((client) => figures(client, frames));
  } finally {
    await server.close();
    http.closeAllConnections();
    await new Promise((resolve) => http.close(resolve));
  }
}

function figures(client: TwilioMediaClient, expectedFrames: number): CallFigures {
  const times = client.outbound.flatMap((record) => (record.event === 'media' ? [record.arrivedAtMs] : []));
  const gapsMs = times.slice(1).map((atMs, i) => atMs - times[i]!);
  const spanMs = (times.at(-1) ?? 0) - (times[0] ?? 0);
  return { frames: times.length, driftMs: spanMs - (expectedFrames - 1) * FRAME_MS, gapsMs };
}

export async function pacerBench(): Promise<void> {
  const [single] = await playCalls(1, 60);
  console.log(`pacer_frames_after_60s: ${single!.frames} frames`);
  console.log(`pacer_drift_after_60s: ${single!.driftMs.toFixed(2)} ms`);
  console.log(`pacer_gap_p99: ${percentile(single!.gapsMs, 99).toFixed(2)} ms`);

  const cpuBefore = process.cpuUsage();
  const startedMs = performance.now();
  const many = await playCalls(100, 10);
  const cpu = process.cpuUsage(cpuBefore);
  const elapsedMs = performance.now() - startedMs;
  console.log(`pacer_100_calls_all_frames_sent: ${many.every((call) => call.frames === 500)}`);
  const worstDriftMs = many.map((call) => call.driftMs).reduce((worst, ms) => (Math.abs(ms) > Math.abs(worst) ? ms : worst), 0);
  console.log(`pacer_100_calls_drift_worst: ${worstDriftMs.toFixed(2)} ms`);
  console.log(`pacer_100_calls_gap_p99: ${percentile(many.flatMap((call) => call.gapsMs), 99).toFixed(2)} ms`);
  console.log(`pacer_100_calls_cpu: ${(((cpu.user + cpu.system) / 1000 / elapsedMs) * 100).toFixed(1)} % of a core`);
}
