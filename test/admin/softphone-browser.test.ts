import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ADMIN_PASSWORD, salon } from './admin-support.js';
import { startSoftphoneRig, type SoftphoneRig } from './softphone-support.js';

/** Debian's Chromium (`apt-get install chromium`; `.ci/run` installs it). Browsers are never downloaded. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = 'test-artifacts';

const counter = async (page: Page, id: string) => Number(await page.textContent(`#${id}`));

/**
 * Waits for one of the page's counters to reach `atLeast`. Polled from here: the page's CSP has
 * no 'unsafe-eval', so Playwright cannot evaluate a predicate string there.
 */
async function waitForCount(page: Page, id: string, atLeast: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await counter(page, id)) < atLeast) {
    if (Date.now() > deadline) assert.fail(`#${id} stayed at ${await counter(page, id)}, below ${atLeast}, for ${timeoutMs} ms`);
    await page.waitForTimeout(50);
  }
}

describe('admin softphone in a real browser (Chromium, fake microphone)', function () {
  let rig: SoftphoneRig;
  let browser: Browser;

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      console.warn(`skipping the softphone browser test: no Chromium at ${CHROMIUM}; install it with "apt-get install -y chromium"`);
      this.skip();
    }
    mkdirSync(ARTIFACTS, { recursive: true });
    rig = await startSoftphoneRig();
    // What the fake microphone's beeps are heard as: a booking request, then a yes.
    rig.deepgram.script("hi I'd like a haircut tomorrow at three pm", 'yes please');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      // --use-fake-ui-for-media-stream grants the microphone without a prompt; the fake device is
      // Chromium's own beeping tone. --no-sandbox and --disable-dev-shm-usage: see admin-browser.test.ts.
      args: ['--no-sandbox', '--disable-dev-shm-usage', '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', '--autoplay-policy=no-user-gesture-required'],
    });
  });
  after(async () => {
    await browser?.close();
    await rig?.close();
  });

  it('calls the receptionist: the microphone streams in and is answered, the greeting comes back and plays, the call is stored', async () => {
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (message) => {
      // Failed requests are checked by URL below (the browser's own /favicon.ico is not ours to serve).
      if (/^Failed to load resource/.test(message.text())) return;
      if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text());
    });
    page.on('response', (response) => {
      if (response.status() >= 400 && new URL(response.url()).pathname !== '/favicon.ico') problems.push(`${response.status()} ${response.url()}`);
    });
    page.on('pageerror', (error) => problems.push(error.message));

    await page.goto(`${rig.app.url}/admin/softphone`);
    await page.fill('input[name="password"]', ADMIN_PASSWORD);
    await page.click('button[type="submit"]');
    await page.waitForURL(`${rig.app.url}/admin/softphone`);
    await page.waitForSelector('#softphone[data-ready="true"]');
    await page.selectOption('#business', salon.id);

    await page.click('#call-local');
    await page.waitForSelector('#status[data-state="live"]', { timeout: 10_000 });
    const callSid = (await page.textContent('#call-sid')) ?? '';
    assert.match(callSid, /^CA[0-9a-f]{32}$/);

    // The greeting plays (frames come back and their time passes on the audio clock), and the
    // microphone's frames go out at one per 20 ms. Half a second of it: the fake microphone's
    // beeps are the caller's words, and one that comes early interrupts the greeting about a
    // second in (barge-in, as it should), so more than that is not the greeting's to promise.
    await waitForCount(page, 'frames-played', 25, 15_000);
    await waitForCount(page, 'frames-received', 50, 15_000);
    const sent = await counter(page, 'frames-sent');
    assert.ok(sent >= 25, `frames sent: ${sent}`);
    await waitForCount(page, 'marks-echoed', 1, 10_000);
    const deepgramHeard = rig.deepgram.connections.at(-1)?.audioBytes ?? 0;
    assert.ok(deepgramHeard >= 160 * 25, `speech-to-text received ${deepgramHeard} bytes of the microphone`);

    const [call] = await rig.app.db.dataSource.query(`SELECT from_number, media_mode, stream_token FROM calls WHERE call_sid = $1`, [callSid]);
    assert.deepEqual(call, { from_number: 'client:softphone', media_mode: 'stream', stream_token: null });

    // The fake microphone's beeps reach speech-to-text as the scripted words, and the receptionist answers them.
    const turnsOf = (): Promise<{ speaker: string; text: string }[]> =>
      rig.app.db.dataSource.query(
        `SELECT t.speaker, t.text FROM call_turns t JOIN calls c ON c.id = t.call_id WHERE c.call_sid = $1 ORDER BY t.seq`,
        [callSid],
      );
    const turnsBy = Date.now() + 15_000;
    let turns = await turnsOf();
    while (turns.length < 3 && Date.now() < turnsBy) {
      await page.waitForTimeout(100);
      turns = await turnsOf();
    }
    assert.equal(turns[0]?.speaker, 'agent', 'the greeting is the first stored turn');
    assert.deepEqual(turns[1], { speaker: 'caller', text: "hi I'd like a haircut tomorrow at three pm" });
    assert.equal(turns[2]?.speaker, 'agent');
    await page.screenshot({ path: `${ARTIFACTS}/softphone.png`, fullPage: true });

    await page.click('#hang-up');
    await page.waitForSelector('#status[data-state="ended"]');
    const deadline = Date.now() + 5000;
    let status = '';
    while (Date.now() < deadline && status !== 'completed') {
      [{ status }] = await rig.app.db.dataSource.query(`SELECT status FROM calls WHERE call_sid = $1`, [callSid]);
      if (status !== 'completed') await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.equal(status, 'completed');
    assert.deepEqual(problems, [], 'no script errors or warnings on the page');
    await context.close();
  });
});
