import assert from 'node:assert/strict';
import { redactText, redactValue } from '../../src/observability/redact.js';

const masked: [input: string, expected: string][] = [
  ['+12125550123', '***0123'],
  ['+1 212 555 0123', '***0123'],
  ['+1-212-555-0123', '***0123'],
  ['+1 (212) 555-0123', '***0123'],
  ['+44 20 7946 0123', '***0123'],
  ['+44 (0)20 7946 0123', '***0123'],
  ['+33 1 23 45 67 89', '***6789'],
  ['whatsapp:+442079460123', 'whatsapp:***0123'],
  ['tel:+12125550123', 'tel:***0123'],
  ['From=%2B12125550123&Body=hi', 'From=***0123&Body=hi'],
  ['(212) 555-0123', '***0123'],
  ['(212)555-0123', '***0123'],
  ['212-555-0123', '***0123'],
  ['212.555.0123', '***0123'],
  ['212 555 0123', '***0123'],
  ['1-212-555-0123', '***0123'],
  ['020 7946 0123', '***0123'],
  ['(020) 7946 0123', '***0123'],
  ['07700 900123', '***0123'],
  ['01 23 45 67 89', '***6789'],
  ['2125550123', '***0123'],
  ['442079460123', '***0123'],
  ['123456789012345', '***2345'],
  ['call me on 212-555-0123 after 5', 'call me on ***0123 after 5'],
  ['from +12125550123 to +14155550100', 'from ***0123 to ***0100'],
  ['{"from":"+12125550123"}', '{"from":"***0123"}'],
  ['/customers/2125550123/bookings', '/customers/***0123/bookings'],
  ['number: 2125550123.', 'number: ***0123.'],
  ['alice@example.com', '***@example.com'],
  ['alice.smith+tag@mail.example.co.uk', '***@mail.example.co.uk'],
  ['Alice <alice@example.com>', 'Alice <***@example.com>'],
  ['alice%40example.com', '***%40example.com'],
  ['sip:+12125550123@pbx.example.com', 'sip:***@pbx.example.com'],
  ['4111 1111 1111 1111', '[card ****1111]'],
  ['4111-1111-1111-1111', '[card ****1111]'],
  ['4111111111111111', '[card ****1111]'],
  ['378282246310005', '[card ****0005]'],
  ['3782 822463 10005', '[card ****0005]'],
  ['5555 5555 5555 4444', '[card ****4444]'],
  ['4111 1111 1111 1112', '[card ****1112]'],
  ['4111111111111112', '***1112'],
  ['card 4111111111111111 exp 12/29', 'card [card ****1111] exp 12/29'],
];

const untouched: string[] = [
  'client:alice',
  '2026-11-23',
  '2026-11-23T15:04:05.123Z',
  '2026-11-23T15:04:05+01:00',
  '2026-11-23 15:04:05',
  '15:04:05.123',
  '23.11.2026',
  '23/11/2026',
  '01-02-2026 10:30',
  '123e4567-e89b-12d3-a456-426614174000',
  '00000000-0000-4000-8000-000000000000',
  'CA1234567890abcdef1234567890abcdef',
  'SM12345678901234567890123456789012',
  'AC00000000000000000000000000000000',
  'took 1500ms',
  'timeout 12345678901ms',
  'PT1H30M',
  'http://localhost:3000/health',
  '127.0.0.1:8080',
  '192.168.100.200',
  'http://[::1]:3000/metrics',
  '2001:0db8:85a3:0000:0000:8a2e:0370:7334',
  '3000',
  'status 200',
  'HTTP 503 after 3 retries',
  '0.123456789012',
  '3.14159265358979',
  '1234567890.5',
  '1e-7',
  'frontdesk_turn_latency_seconds_bucket{stage="action",le="0.5"} 42',
  'v1.2.3',
  '555-0123',
  '+1.5',
  'user@localhost',
  'no digits here at all',
  '',
];

describe('redactText', () => {
  for (const [input, expected] of masked) {
    it(`masks ${JSON.stringify(input)}`, () => {
      assert.equal(redactText(input), expected);
    });
  }

  for (const input of untouched) {
    it(`leaves ${JSON.stringify(input)} alone`, () => {
      assert.equal(redactText(input), input);
    });
  }

  it('is idempotent, so redacting twice (field and serializer) changes nothing more', () => {
    for (const [input] of masked) {
      const once = redactText(input);
      assert.equal(redactText(once), once, input);
    }
  });

  it('stays linear on long adversarial input', () => {
    const inputs = ['9'.repeat(200_000) + 'x', '1.'.repeat(100_000), 'a.'.repeat(100_000) + '@', '+' + '1 '.repeat(100_000)];
    for (const input of inputs) {
      const started = performance.now();
      redactText(input);
      assert.ok(performance.now() - started < 500, `took too long on ${input.slice(0, 10)}…`);
    }
  });
});

describe('redactValue', () => {
  it('masks strings at any depth in objects and arrays, keys included', () => {
    const input = {
      caller: { phone: '+12125550123', emails: ['alice@example.com'] },
      byNumber: { '+14155550100': 'bob' },
      count: 3,
      ok: true,
      none: null,
    };
    assert.deepEqual(redactValue(input), {
      caller: { phone: '***0123', emails: ['***@example.com'] },
      byNumber: { '***0100': 'bob' },
      count: 3,
      ok: true,
      none: null,
    });
  });

  it('never changes numbers, which carry metric values and epoch times', () => {
    assert.equal(redactValue(12125550123), 12125550123);
    assert.equal(redactValue(1763910245123), 1763910245123);
  });

  it('does not mutate its input', () => {
    const error = Object.assign(new Error('failed for +12125550123'), { to: '+12125550123' });
    const input = { phone: '+12125550123', list: ['alice@example.com'], error };
    const snapshot = structuredClone({ phone: input.phone, list: input.list });
    redactValue(input);
    assert.deepEqual({ phone: input.phone, list: input.list }, snapshot);
    assert.equal(error.message, 'failed for +12125550123');
    assert.equal(error.to, '+12125550123');
  });

  it('turns an Error into pino’s shape with message, stack, custom props and cause masked', () => {
    class DeliveryError extends Error {
      code = 'E_DELIVERY';
      recipient = '+12125550123';
    }
    const cause = new Error('upstream said alice@example.com is unknown');
    const error = new DeliveryError('could not text +12125550123', { cause });
    const result = redactValue(error) as Record<string, unknown>;
    assert.equal(result.type, 'DeliveryError');
    assert.equal(result.message, 'could not text ***0123');
    assert.equal(result.code, 'E_DELIVERY');
    assert.equal(result.recipient, '***0123');
    assert.match(String(result.stack), /could not text \*\*\*0123/);
    assert.doesNotMatch(String(result.stack), /2125550123/);
    assert.deepEqual((result.cause as Record<string, unknown>).message, 'upstream said ***@example.com is unknown');
  });

  it('keeps the errors of an AggregateError', () => {
    const result = redactValue(new AggregateError([new Error('to +12125550123')], 'all failed')) as {
      errors: { message: string }[];
    };
    assert.equal(result.errors[0]?.message, 'to ***0123');
  });

  it('replaces cycles and over-deep nesting instead of recursing forever', () => {
    const cyclic: Record<string, unknown> = { phone: '+12125550123' };
    cyclic.self = cyclic;
    assert.deepEqual(redactValue(cyclic), { phone: '***0123', self: '[Circular]' });

    let deep: Record<string, unknown> = { phone: '+12125550123' };
    for (let i = 0; i < 50; i += 1) deep = { inner: deep };
    const text = JSON.stringify(redactValue(deep));
    assert.match(text, /\[Truncated\]/);
    assert.doesNotMatch(text, /2125550123/);
  });

  it('repeats a shared (non-cyclic) object rather than calling it circular', () => {
    const shared = { phone: '+12125550123' };
    assert.deepEqual(redactValue({ a: shared, b: shared }), { a: { phone: '***0123' }, b: { phone: '***0123' } });
  });

  it('turns Maps into objects, Sets into arrays, dates and toJSON objects into their JSON form', () => {
    const input = {
      map: new Map<unknown, unknown>([['+12125550123', 'alice@example.com']]),
      set: new Set(['+12125550123']),
      at: new Date('2026-11-23T15:04:05.123Z'),
      custom: { toJSON: () => ({ phone: '+12125550123' }) },
    };
    assert.deepEqual(redactValue(input), {
      map: { '***0123': '***@example.com' },
      set: ['***0123'],
      at: '2026-11-23T15:04:05.123Z',
      custom: { phone: '***0123' },
    });
  });

  it('summarises binary data instead of dumping bytes that may hold text', () => {
    assert.deepEqual(redactValue({ audio: Buffer.from('+12125550123') }), { audio: '[Buffer 12 bytes]' });
  });

  it('survives getters that throw', () => {
    const input = Object.defineProperty({}, 'broken', {
      enumerable: true,
      get() {
        throw new Error('no');
      },
    });
    assert.deepEqual(redactValue(input), { broken: '[Unreadable]' });
  });
});
