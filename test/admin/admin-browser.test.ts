import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { TestFrontdesk } from '../support/frontdesk.js';
import { textThread } from '../support/text-thread.js';
import { nextPhone } from '../support/scheduling.js';
import { ADMIN_PASSWORD, salon, simulateBookingCall, startAdminFrontdesk, type SimulatedCall } from './admin-support.js';

/** Debian's Chromium (`apt-get install chromium`; `.ci/run` installs it). Browsers are never downloaded. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = 'test-artifacts';

describe('admin in a real browser (Chromium)', function () {
  let app: TestFrontdesk;
  let browser: Browser;
  let call: SimulatedCall;

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      console.warn(`skipping the admin browser tests: no Chromium at ${CHROMIUM}; install it with "apt-get install -y chromium"`);
      this.skip();
    }
    mkdirSync(ARTIFACTS, { recursive: true });
    app = await startAdminFrontdesk();
    call = await simulateBookingCall(app);
    // A text thread, so the messages page has rows of both directions.
    await textThread(app, { from: nextPhone(), to: salon.phoneNumbers[0]! }).say('Hi, what are your opening hours?');
    // --no-sandbox: CI runs as root in a container, where Chromium's sandbox cannot start;
    // --disable-dev-shm-usage: containers often have a tiny /dev/shm that crashes the renderer.
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  });
  after(async () => {
    await browser?.close();
    await app?.close();
  });

  async function newPage(): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    return context.newPage();
  }

  async function logIn(page: Page, password: string): Promise<void> {
    await page.fill('input[name="password"]', password);
    await page.click('button[type="submit"]');
  }

  it('logs in, shows the call in the stats and its transcript, cancels the booking and logs out', async () => {
    const page = await newPage();
    await page.goto(`${app.url}/admin`);
    assert.match(page.url(), /\/admin\/login\?next=%2Fadmin$/);
    await logIn(page, ADMIN_PASSWORD);
    await page.waitForURL(`${app.url}/admin`);

    await page.goto(`${app.url}/admin?business=${salon.id}&from=${call.day}&to=${call.day}`);
    assert.equal(await page.textContent('[data-stat="Calls"] .value'), '1');
    assert.equal(await page.textContent('[data-stat="Booked"] .value'), '1');
    assert.equal(await page.textContent('[data-stat="Conversion"] .value'), '100%');
    assert.equal(await page.locator('figure.chart svg rect.bar-b').count(), 24);
    await page.screenshot({ path: `${ARTIFACTS}/admin-stats.png`, fullPage: true });

    await page.goto(`${app.url}/admin/calls?business=${salon.id}`);
    await page.screenshot({ path: `${ARTIFACTS}/admin-calls.png`, fullPage: true });
    await page.click(`a[href="/admin/calls/${call.callId}"]`);
    await page.waitForURL(`${app.url}/admin/calls/${call.callId}`);
    const transcript = await page.textContent('table.transcript');
    assert.match(transcript ?? '', /haircut tomorrow at three pm/);
    assert.match(transcript ?? '', /You're booked for tomorrow at 3 pm/);
    assert.match((await page.textContent('dl.facts')) ?? '', /booked/);
    await page.screenshot({ path: `${ARTIFACTS}/admin-call-detail.png`, fullPage: true });

    await page.goto(`${app.url}/admin/bookings?business=${salon.id}`);
    await page.screenshot({ path: `${ARTIFACTS}/admin-bookings.png`, fullPage: true });
    await page.click(`tr[data-booking="${call.bookingId}"] button`);
    await page.waitForSelector('.flash');
    assert.match((await page.textContent(`tr[data-booking="${call.bookingId}"]`)) ?? '', /cancelled/);
    const [booking] = await app.db.dataSource.query(`SELECT status FROM bookings WHERE id = $1`, [call.bookingId]);
    assert.equal(booking.status, 'cancelled');
    const notices = await app.db.dataSource.query(
      `SELECT status FROM outbox WHERE booking_id = $1 AND kind = 'confirmation' AND payload->>'change' = 'cancelled'`,
      [call.bookingId],
    );
    assert.equal(notices.length, 1, 'the customer is told through the outbox');

    await page.goto(`${app.url}/admin/messages?business=${salon.id}`);
    assert.ok((await page.locator('tbody tr').count()) >= 1);
    await page.screenshot({ path: `${ARTIFACTS}/admin-messages.png`, fullPage: true });
    await page.goto(`${app.url}/admin/health`);
    assert.match((await page.textContent('main')) ?? '', /postgres\s*up/);
    await page.screenshot({ path: `${ARTIFACTS}/admin-health.png`, fullPage: true });

    await page.click('header form button');
    await page.waitForURL(`${app.url}/admin/login`);
    await page.goto(`${app.url}/admin/calls`);
    assert.match(page.url(), /\/admin\/login\?next=/);
    await page.context().close();
  });

  it('refuses a wrong password, then rate-limits the address', async () => {
    const page = await newPage();
    await page.goto(`${app.url}/admin/login`);
    for (let i = 0; i < 5; i += 1) {
      await logIn(page, `not the password ${i}`);
      assert.equal(await page.textContent('[role="alert"]'), 'Wrong password.');
    }
    await logIn(page, ADMIN_PASSWORD);
    assert.match((await page.textContent('[role="alert"]')) ?? '', /Too many failed attempts\. Try again in 15 minutes\./);
    assert.match(page.url(), /\/admin\/login$/);
    await page.screenshot({ path: `${ARTIFACTS}/admin-login-throttled.png`, fullPage: true });
    await page.context().close();
  });
});
