import assert from 'node:assert/strict';
import { TwilioMediaClient, UpgradeRefused } from '../fakes/twilio-media.js';
import { exampleBusinesses } from '../support/businesses.js';
import { sid, signedPost } from '../support/frontdesk.js';
import { nextPhone } from '../support/scheduling.js';
import { counterValue, inParallel, report, startFaultFrontdesk, type FaultFrontdesk } from './support.js';
import { startVoiceFakes, type VoiceFakes } from '../support/voice-fakes.js';

const UPGRADES = 1000;
const { salon } = exampleBusinesses();

interface StreamCall {
  callSid: string;
  streamUrl: string;
  token: string;
}

type Attempt = 'refused' | 'closed-silent' | 'accepted';

describe('faults #2: media-stream upgrades without a valid signature or call token', () => {
  let fakes: VoiceFakes;
  let app: FaultFrontdesk;

  before(async () => {
    fakes = await startVoiceFakes();
    app = await startFaultFrontdesk({ logLevel: 'error', env: { ...fakes.env, MAX_CALLS: '2000' } });
  });
  after(async () => fakes.closeAfter(app));

  const wsUrl = (path = '/media-streams') => `${app.url.replace(/^http/, 'ws')}${path}`;

  async function answerCall(): Promise<StreamCall> {
    const callSid = sid('CA');
    fakes.twilio.addCall(callSid);
    const response = await signedPost(app, '/twilio/voice', { CallSid: callSid, From: nextPhone(), To: salon.phoneNumbers[0]!, CallStatus: 'ringing' });
    const twiml = await response.text();
    const streamUrl = /<Stream url="([^"]+)"/.exec(twiml)?.[1];
    const token = /<Parameter name="callToken" value="([^"]+)"/.exec(twiml)?.[1];
    assert.ok(streamUrl && token, `not a stream answer: ${twiml}`);
    return { callSid, streamUrl, token };
  }

  /** Opens one websocket; for an opened one sends `start` with `customParameters` and watches what follows. */
  async function attempt(options: {
    path?: string;
    signedUrl: string;
    signature?: string | null;
    authToken?: string;
    callSid?: string;
    start?: Record<string, string>;
  }): Promise<Attempt> {
    let client: TwilioMediaClient;
    try {
      client = await TwilioMediaClient.connect({
        url: wsUrl(options.path),
        signedUrl: options.signedUrl,
        authToken: options.authToken ?? app.authToken,
        ...(options.signature !== undefined ? { signature: options.signature } : {}),
        ...(options.callSid ? { callSid: options.callSid } : {}),
      });
    } catch (error) {
      if (error instanceof UpgradeRefused && error.statusCode === 403) return 'refused';
      throw error;
    }
    client.start(options.start ?? {});
    const outcome = await Promise.race([
      client.closed.then(() => 'closed' as const),
      new Promise<'open'>((resolve) => setTimeout(() => resolve('open'), 3000)),
    ]);
    if (outcome === 'open') client.close();
    return outcome === 'closed' && client.outbound.length === 0 ? 'closed-silent' : 'accepted';
  }

  it(`accepts none of ${UPGRADES} bad upgrades and opens no speech session for them`, async () => {
    const calls = [await answerCall(), await answerCall(), await answerCall()];
    const signedUrl = calls[0]!.streamUrl;
    const sessionsBefore = fakes.deepgram.connections.length;

    const kinds: { name: string; expect: Attempt; run(i: number): Promise<Attempt> }[] = [
      { name: 'no signature', expect: 'refused', run: () => attempt({ signedUrl, signature: null }) },
      { name: 'garbage signature', expect: 'refused', run: () => attempt({ signedUrl, signature: 'bm90IGEgc2lnbmF0dXJl' }) },
      { name: 'wrong auth token', expect: 'refused', run: () => attempt({ signedUrl, authToken: 'not-the-token' }) },
      { name: 'signed for another host', expect: 'refused', run: () => attempt({ signedUrl: 'wss://attacker.example/media-streams' }) },
      { name: 'unsigned query', expect: 'refused', run: () => attempt({ path: '/media-streams?callSid=x', signedUrl }) },
      { name: 'no call token', expect: 'closed-silent', run: (i) => attempt({ signedUrl, callSid: calls[i % 3]!.callSid }) },
      {
        name: 'wrong call token',
        expect: 'closed-silent',
        run: (i) => attempt({ signedUrl, callSid: calls[i % 3]!.callSid, start: { callToken: `${calls[i % 3]!.token.slice(0, -2)}xx` } }),
      },
      {
        name: "another call's token",
        expect: 'closed-silent',
        run: (i) => attempt({ signedUrl, callSid: calls[i % 3]!.callSid, start: { callToken: calls[(i + 1) % 3]!.token } }),
      },
      { name: 'token for an unknown call', expect: 'closed-silent', run: (i) => attempt({ signedUrl, start: { callToken: calls[i % 3]!.token } }) },
    ];
    const results = new Map<string, Map<Attempt, number>>();
    const wrong: string[] = [];
    await inParallel(Array.from({ length: UPGRADES }, (_, i) => i), 25, async (i) => {
      const kind = kinds[i % kinds.length]!;
      const got = await kind.run(i);
      const counts = results.get(kind.name) ?? new Map<Attempt, number>();
      counts.set(got, (counts.get(got) ?? 0) + 1);
      results.set(kind.name, counts);
      if (got !== kind.expect) wrong.push(`${kind.name}: ${got}`);
    });
    const accepted = [...results.values()].reduce((sum, counts) => sum + (counts.get('accepted') ?? 0), 0);
    const refused = [...results.values()].reduce((sum, counts) => sum + (counts.get('refused') ?? 0), 0);
    const sessionsOpened = fakes.deepgram.connections.length - sessionsBefore;
    const tokensLeft: { n: number }[] = await app.db.dataSource.query(
      `SELECT count(*)::int AS n FROM calls WHERE call_sid = ANY($1) AND stream_token IS NOT NULL`,
      [calls.map((call) => call.callSid)],
    );
    const callsActive = await counterValue(app, 'frontdesk_calls_active');

    // The control: a real call with its own token is accepted and hears its greeting.
    const real = await TwilioMediaClient.connect({ url: wsUrl(), signedUrl, authToken: app.authToken, callSid: calls[0]!.callSid });
    real.start({ callToken: calls[0]!.token });
    await real.waitFor((outbound) => outbound.some((record) => record.event === 'media'), 10_000);
    real.sendStop();
    real.close();
    await real.closed;

    report(
      2,
      `bad upgrades ${UPGRADES}: accepted ${accepted}, refused at upgrade (403) ${refused}, closed at start without a word ${UPGRADES - accepted - refused}; ` +
        `speech sessions opened ${sessionsOpened}, call tokens still unclaimed ${tokensLeft[0]!.n}/3, calls active ${callsActive}; valid control accepted 1/1`,
    );
    assert.deepEqual(wrong.slice(0, 5), []);
    assert.equal(accepted, 0);
    assert.equal(sessionsOpened, 0);
    assert.equal(tokensLeft[0]!.n, 3);
    assert.equal(callsActive, 0);
  });
});
