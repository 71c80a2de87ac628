import assert from 'node:assert/strict';
import { metricNames } from '../../src/observability/metrics.js';
import { startTestFrontdesk, type TestFrontdesk } from '../support/frontdesk.js';

describe('GET /metrics', () => {
  let app: TestFrontdesk;
  before(async () => {
    app = await startTestFrontdesk({ METRICS_TOKEN: 'scrape-secret' });
  });
  after(async () => app.close());

  it('serves every declared metric to a scraper with the bearer token', async () => {
    const response = await fetch(`${app.url}/metrics`, { headers: { authorization: 'Bearer scrape-secret' } });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain/);
    const text = await response.text();
    const missing = metricNames.filter((name) => !text.includes(`# TYPE ${name} `));
    assert.deepEqual(missing, []);
    assert.ok(metricNames.length >= 16, `expected the 16 metrics of DESIGN §3, got ${metricNames.length}`);
  });

  it('refuses a scrape without the token when METRICS_TOKEN is set', async () => {
    assert.equal((await fetch(`${app.url}/metrics`)).status, 401);
    const wrong = await fetch(`${app.url}/metrics`, { headers: { authorization: 'Bearer nope' } });
    assert.equal(wrong.status, 401);
  });
});
