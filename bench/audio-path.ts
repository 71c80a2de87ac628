/**
 * Per-frame cost of the audio path, in the same run as the code it replaced (a ratio holds on a
 * noisy machine where absolute times do not). 50 frames a second each way per call, so at 300
 * calls every microsecond per frame is 3 % of a core per direction.
 *
 * - inbound: one Twilio `media` message text → validated message → mu-law bytes → VAD level.
 *   Before: zod for every message, the frame decoded into a new Int16Array for the VAD.
 *   Now: a hand-checked fast path for well-formed media, the level read from mu-law by table.
 *   Session 4: the payload's base64 check by decoding into a scratch buffer instead of zod's
 *   regular expression (`audio_path_payload_check_*`).
 * - outbound: 160 bytes from the pacer's queue → the JSON text sent to Twilio.
 *   Before: a new frame buffer and copy, `Buffer.from` copying it again for base64, an object and
 *   `JSON.stringify`. Now: a view of the queued bytes, base64 straight from it, one template.
 * - to the transcription: the websocket writes of one second of caller audio over loopback (a
 *   `ws` client, as the Deepgram SDK uses). Before: a write per 20 ms frame. Now, while the
 *   caller is quiet (`TranscriptionFeed`): a write per `QUIET_BATCH_FRAMES` frames (ten since
 *   session 4, five before).
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { inboundMessageSchema, isBase64, mediaMessage, mediaMessageEncoder, parseInboundMessage } from '../media-streams/messages.js';
import { decodeMulaw, FRAME_BYTES } from '../media-streams/mulaw.js';
import { frameEnergyDbfs, mulawFrameEnergyDbfs } from '../media-streams/voice-activity.js';
import { QUIET_BATCH_FRAMES } from '../src/voice/stream/transcription-feed.js';
import { figure } from './call-bench.js';

const FRAMES = 200_000;
const STREAM_SID = 'MZ0123456789abcdef0123456789abcdef';

function inboundTexts(count: number): string[] {
  const frame = Buffer.alloc(FRAME_BYTES);
  return Array.from({ length: count }, (_, i) => {
    for (let j = 0; j < FRAME_BYTES; j += 1) frame[j] = (i * 7 + j * 13) & 0xff;
    return JSON.stringify({
      event: 'media',
      sequenceNumber: String(i + 2),
      streamSid: STREAM_SID,
      media: { track: 'inbound', chunk: String(i + 1), timestamp: String(i * 20), payload: frame.toString('base64') },
    });
  });
}

function inboundBefore(text: string): number {
  const parsed = inboundMessageSchema.safeParse(JSON.parse(text));
  if (!parsed.success || parsed.data.event !== 'media') throw new Error('bench frame refused');
  const mulaw = Buffer.from(parsed.data.media.payload, 'base64');
  return frameEnergyDbfs(decodeMulaw(mulaw));
}

function inboundNow(text: string): number {
  const parsed = parseInboundMessage(text);
  if (!parsed.ok || parsed.message.event !== 'media') throw new Error('bench frame refused');
  return mulawFrameEnergyDbfs(Buffer.from(parsed.message.media.payload, 'base64'));
}

/** zod's `z.base64()` expression, as the fast path used it before session 4. */
const BASE64 = /^$|^(?:[0-9a-zA-Z+/]{4})*(?:(?:[0-9a-zA-Z+/]{2}==)|(?:[0-9a-zA-Z+/]{3}=))?$/;

function payloadOf(text: string): string {
  return (JSON.parse(text) as { media: { payload: string } }).media.payload;
}

function outboundBefore(queued: Buffer, offset: number): string {
  const frame = Buffer.allocUnsafe(FRAME_BYTES);
  queued.copy(frame, 0, offset, offset + FRAME_BYTES);
  return JSON.stringify({ event: 'media', streamSid: STREAM_SID, media: { payload: Buffer.from(frame).toString('base64') } });
}

const encode = mediaMessageEncoder(STREAM_SID);
function outboundNow(queued: Buffer, offset: number): string {
  return encode(queued.subarray(offset, offset + FRAME_BYTES));
}

/** ns per call of `work` over `count` items, best of 3 rounds (the least disturbed). */
function nsPerFrame(count: number, work: (i: number) => unknown): number {
  let best = Infinity;
  let sink = 0;
  for (let round = 0; round < 3; round += 1) {
    const startedAt = process.hrtime.bigint();
    for (let i = 0; i < count; i += 1) sink += (work(i) as { length?: number }).length ?? 1;
    best = Math.min(best, Number(process.hrtime.bigint() - startedAt) / count);
  }
  if (sink === 0) throw new Error('unreachable: keeps the work from being optimised away');
  return best;
}

/** µs of this process's CPU to write `seconds` of audio, `framesPerWrite` frames a write. */
async function writeCostUs(client: WebSocket, received: () => number, seconds: number, framesPerWrite: number): Promise<number> {
  const write = Buffer.alloc(FRAME_BYTES * framesPerWrite, 0x7f);
  const writes = (seconds * 50) / framesPerWrite;
  const expected = received() + writes;
  const before = process.cpuUsage();
  for (let i = 0; i < writes; i += 1) client.send(write);
  const cpu = process.cpuUsage(before);
  while (received() < expected) await new Promise((resolve) => setTimeout(resolve, 1));
  return cpu.user + cpu.system;
}

async function transcriptionWrites(): Promise<void> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await once(server, 'listening');
  let messages = 0;
  server.on('connection', (socket) => socket.on('message', () => (messages += 1)));
  const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
  await once(client, 'open');
  try {
    const perFrame: number[] = [];
    const batched: number[] = [];
    // 20 s of audio each, alternating, best of five (the least disturbed).
    for (let round = 0; round < 6; round += 1) {
      perFrame.push(await writeCostUs(client, () => messages, 20, 1));
      batched.push(await writeCostUs(client, () => messages, 20, QUIET_BATCH_FRAMES));
    }
    const before = Math.min(...perFrame.slice(1)) / 20;
    const now = Math.min(...batched.slice(1)) / 20;
    figure('audio_path_transcription_per_frame_writes_us_per_call_second', Math.round(before), 'µs');
    figure('audio_path_transcription_batched_writes_us_per_call_second', Math.round(now), 'µs');
    figure('audio_path_transcription_batched_over_per_frame_ratio', Number((now / before).toFixed(2)));
  } finally {
    client.terminate();
    server.close();
  }
}

export async function audioPathBench(): Promise<void> {
  const texts = inboundTexts(2000);
  const queued = Buffer.alloc(FRAME_BYTES * 2000, 0x55);
  if (outboundNow(queued, 0) !== JSON.stringify(mediaMessage(STREAM_SID, queued.subarray(0, FRAME_BYTES)))) throw new Error('encoders differ');
  const payloads = texts.map(payloadOf);
  const cases = {
    inbound: [(i: number) => [inboundBefore(texts[i % texts.length]!)], (i: number) => [inboundNow(texts[i % texts.length]!)]],
    outbound: [(i: number) => outboundBefore(queued, (i % 2000) * FRAME_BYTES), (i: number) => outboundNow(queued, (i % 2000) * FRAME_BYTES)],
    payload_check: [(i: number) => [BASE64.test(payloads[i % payloads.length]!)], (i: number) => [isBase64(payloads[i % payloads.length]!)]],
  } as const;
  for (const [direction, [before, now]] of Object.entries(cases)) {
    // Warm both up first so neither pays the JIT in its measured rounds.
    nsPerFrame(20_000, before);
    nsPerFrame(20_000, now);
    const beforeNs = nsPerFrame(FRAMES, before);
    const nowNs = nsPerFrame(FRAMES, now);
    figure(`audio_path_${direction}_before_ns_per_frame`, Math.round(beforeNs), 'ns');
    figure(`audio_path_${direction}_now_ns_per_frame`, Math.round(nowNs), 'ns');
    figure(`audio_path_${direction}_now_over_before_ratio`, Number((nowNs / beforeNs).toFixed(2)));
  }
  await transcriptionWrites();
}
