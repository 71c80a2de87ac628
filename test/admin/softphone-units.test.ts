import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import type { DataSource } from 'typeorm';
import { decodeMulaw, encodeMulaw } from '../../media-streams/mulaw.js';
import { SoftphoneLine } from '../../src/admin/softphone-line.js';
import { mintSoftphoneToken, twilioSoftphoneSettings } from '../../src/admin/softphone-token.js';
import { createLogger } from '../../src/observability/logger.js';

const settings = {
  accountSid: `AC${'a1'.repeat(16)}`,
  apiKey: `SK${'b2'.repeat(16)}`,
  apiSecret: 'the api key secret',
  twimlAppSid: `AP${'c3'.repeat(16)}`,
};

function decodePart(part: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
}

describe('softphone: Twilio access token', () => {
  it('mints a JWT signed with the API secret, with a Voice grant for the TwiML App and identity softphone', () => {
    const minted = mintSoftphoneToken(settings);
    const [header, payload, signature] = minted.token.split('.') as [string, string, string];
    assert.equal(createHmac('sha256', settings.apiSecret).update(`${header}.${payload}`).digest('base64url'), signature);
    assert.deepEqual(decodePart(header), { alg: 'HS256', typ: 'JWT', cty: 'twilio-fpa;v=1' });
    const claims = decodePart(payload) as { iss: string; sub: string; exp: number; iat?: number; nbf?: number; grants: Record<string, unknown> };
    assert.equal(claims.iss, settings.apiKey);
    assert.equal(claims.sub, settings.accountSid);
    assert.deepEqual(claims.grants, {
      identity: 'softphone',
      // Outgoing only: nobody calls the admin's browser.
      voice: { outgoing: { application_sid: settings.twimlAppSid } },
    });
    const nowSeconds = Math.floor(Date.now() / 1000);
    assert.ok(Math.abs(claims.exp - nowSeconds - 3600) <= 5, `expires in about an hour (exp ${claims.exp}, now ${nowSeconds})`);
    assert.equal(minted.identity, 'softphone');
  });

  it('needs all four settings, and names the missing ones only when some are set', () => {
    const env = { TWILIO_ACCOUNT_SID: settings.accountSid, TWILIO_API_KEY: settings.apiKey, TWILIO_API_SECRET: settings.apiSecret, TWILIO_TWIML_APP_SID: settings.twimlAppSid };
    assert.deepEqual(twilioSoftphoneSettings(env), { settings });
    assert.deepEqual(twilioSoftphoneSettings({ TWILIO_ACCOUNT_SID: settings.accountSid }), { missing: [] });
    assert.deepEqual(twilioSoftphoneSettings({ TWILIO_API_KEY: settings.apiKey }), {
      missing: ['TWILIO_ACCOUNT_SID', 'TWILIO_API_SECRET', 'TWILIO_TWIML_APP_SID'],
    });
  });
});

describe('softphone: upgrade tokens', () => {
  let nowMs = 1_000_000;
  const line = () =>
    new SoftphoneLine({
      dataSource: {} as DataSource,
      logger: createLogger({ level: 'silent' }),
      onCallEnded: () => undefined,
      upgradeTokenTtlMs: 30_000,
      now: () => nowMs,
    });

  it('admits an upgrade once per token', () => {
    const softphone = line();
    const token = softphone.register('CA1');
    assert.equal(softphone.owns('CA1'), true);
    assert.equal(softphone.authorizeUpgrade(`/media-streams?softphone=${token}`), true);
    assert.equal(softphone.authorizeUpgrade(`/media-streams?softphone=${token}`), false);
  });

  it('refuses a missing, unknown or expired token', () => {
    const softphone = line();
    const token = softphone.register('CA2');
    assert.equal(softphone.authorizeUpgrade('/media-streams'), false);
    assert.equal(softphone.authorizeUpgrade('/media-streams?softphone='), false);
    assert.equal(softphone.authorizeUpgrade('/media-streams?softphone=not-a-token'), false);
    nowMs += 30_001;
    assert.equal(softphone.authorizeUpgrade(`/media-streams?softphone=${token}`), false);
  });

  it('forgets the calls whose token expired unused', () => {
    const softphone = line();
    softphone.register('CA3');
    nowMs += 30_001;
    softphone.register('CA4');
    assert.equal(softphone.owns('CA3'), false);
    assert.equal(softphone.owns('CA4'), true);
  });
});

describe('softphone: browser audio code (src/admin/static/softphone-audio.js)', () => {
  interface AudioModule {
    encodeMulaw(sample: number): number;
    decodeMulaw(byte: number): number;
    Downsampler: new (inputRate: number, outputRate?: number) => { push(block: Float32Array): number[] };
  }
  let audio: AudioModule;
  before(async () => {
    audio = (await import(pathToFileURL('src/admin/static/softphone-audio.js').href)) as AudioModule;
  });

  it('encodes and decodes mu-law exactly as the media-streams codec does', () => {
    const samples = Int16Array.from({ length: 65536 }, (_, i) => i - 32768);
    const expected = encodeMulaw(samples);
    for (let i = 0; i < samples.length; i += 1) assert.equal(audio.encodeMulaw(samples[i]!), expected[i], `sample ${samples[i]}`);
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
    const decoded = decodeMulaw(bytes);
    for (let i = 0; i < 256; i += 1) assert.equal(audio.decodeMulaw(i), decoded[i], `byte ${i}`);
  });

  it('turns 48 kHz and 44.1 kHz blocks of 128 into 8 kHz, keeping a tone and its level', () => {
    for (const rate of [48_000, 44_100]) {
      const downsampler = new audio.Downsampler(rate);
      const out: number[] = [];
      let fed = 0;
      for (; fed < rate; fed += 128) {
        const block = Float32Array.from({ length: 128 }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 440 * (fed + i)) / rate));
        out.push(...downsampler.push(block));
      }
      assert.ok(Math.abs(out.length - (fed * 8000) / rate) <= 1, `${rate} Hz: ${out.length} samples for ${fed} fed`);
      // A 440 Hz tone at half scale: peak near 16 384, and 880 zero crossings a second.
      const peak = Math.max(...out.map(Math.abs));
      assert.ok(peak > 15_500 && peak <= 16_400, `${rate} Hz: peak ${peak}`);
      let crossings = 0;
      for (let i = 1; i < out.length; i += 1) if (Math.sign(out[i]!) !== Math.sign(out[i - 1]!) && out[i] !== 0) crossings += 1;
      assert.ok(Math.abs(crossings - (880 * fed) / rate) <= 4, `${rate} Hz: ${crossings} zero crossings`);
    }
  });
});
