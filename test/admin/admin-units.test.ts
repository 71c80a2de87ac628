import assert from 'node:assert/strict';
import { html } from '../../src/admin/html.js';
import { LoginThrottle } from '../../src/admin/login-throttle.js';
import { SESSION_TTL_MS, SessionKeeper, sameText } from '../../src/admin/session.js';
import { barChart } from '../../src/admin/views/bar-chart.js';

describe('admin building blocks', () => {
  it('escapes every interpolated value, in text and attributes, but not nested templates', () => {
    const name = `"><script>alert('x')</script>&`;
    const out = html`<a title="${name}">${name}</a>${html`<b>${'ok'}</b>`}${[1, '<i>']}${null}${false}`.value;
    assert.equal(
      out,
      '<a title="&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;">&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;</a><b>ok</b>1&lt;i&gt;',
    );
  });

  it('keeps chart labels escaped inside the SVG', () => {
    const svg = barChart({ title: 'a<b', labels: ['x<y'], series: [{ name: 'calls', className: 'bar-a', values: [3] }], shortLabel: (l) => l }).value;
    assert.ok(!svg.includes('x<y') && !svg.includes('a<b'));
    assert.match(svg, /x&lt;y: 3 calls/);
  });

  it('accepts its own session cookies until they expire or are revoked, and nothing forged', () => {
    let now = 1_000_000;
    const keeper = new SessionKeeper('secret', () => now);
    const { cookie, session } = keeper.issue();
    assert.equal(keeper.read(cookie)?.csrfToken, session.csrfToken);
    assert.equal(new SessionKeeper('other password', () => now).read(cookie), undefined, 'another password signs differently');
    const [version, expires, nonce, signature] = cookie.split('.');
    assert.equal(keeper.read(`${version}.${Number(expires) + 1}.${nonce}.${signature}`), undefined, 'a longer life is a forgery');
    assert.equal(keeper.read(undefined), undefined);
    assert.equal(keeper.read('garbage'), undefined);
    keeper.revoke(session);
    assert.equal(keeper.read(cookie), undefined);
    const second = keeper.issue();
    now += SESSION_TTL_MS;
    assert.equal(keeper.read(second.cookie), undefined, 'expired');
  });

  it('compares secrets of any length', () => {
    assert.equal(sameText('abc', 'abc'), true);
    assert.equal(sameText('abc', 'abcd'), false);
    assert.equal(sameText('', 'x'), false);
  });

  it('allows a handful of failures per window and address, and forgets them after the window or a success', () => {
    let now = 0;
    const throttle = new LoginThrottle({ maxFailures: 3, windowMs: 1000, now: () => now });
    for (let i = 0; i < 3; i += 1) {
      assert.equal(throttle.retryAfterMs('10.0.0.1'), 0);
      throttle.recordFailure('10.0.0.1');
      now += 100;
    }
    assert.equal(throttle.retryAfterMs('10.0.0.1'), 700);
    assert.equal(throttle.retryAfterMs('10.0.0.2'), 0, 'other addresses are not affected');
    now = 1001;
    assert.equal(throttle.retryAfterMs('10.0.0.1'), 0, 'the oldest failure left the window');
    throttle.recordFailure('10.0.0.1');
    throttle.recordSuccess('10.0.0.1');
    assert.equal(throttle.retryAfterMs('10.0.0.1'), 0);
  });
});
