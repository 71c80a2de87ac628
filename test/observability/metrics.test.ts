import assert from 'node:assert/strict';
import { register as globalRegistry, Registry } from 'prom-client';
import {
  bookingChannels,
  bookingOutcomes,
  breakerState,
  createMetrics,
  dependencies,
  metricNames,
  turnStages,
  webhookRoutes,
} from '../../src/observability/metrics.js';

describe('createMetrics', () => {
  it('declares exactly the metrics of DESIGN §3, prefixed', () => {
    assert.deepEqual([...metricNames].sort(), [
      'frontdesk_barge_in_seconds',
      'frontdesk_bookings_total',
      'frontdesk_breaker_state',
      'frontdesk_calls_active',
      'frontdesk_calls_total',
      'frontdesk_event_loop_lag_seconds',
      'frontdesk_false_interruptions_total',
      'frontdesk_jobs_total',
      'frontdesk_messages_sent_total',
      'frontdesk_outbox_pending',
      'frontdesk_queue_depth',
      'frontdesk_turn_latency_seconds',
      'frontdesk_understanding_total',
      'frontdesk_vendor_errors_total',
      'frontdesk_webhook_replays_total',
      'frontdesk_webhook_requests_total',
    ]);
  });

  it('exposes every declared metric, with HELP and TYPE, before anything happens', async () => {
    const text = await createMetrics().registry.metrics();
    for (const name of metricNames) {
      assert.match(text, new RegExp(`^# HELP ${name} \\S`, 'm'), name);
      assert.match(text, new RegExp(`^# TYPE ${name} (counter|gauge|histogram)$`, 'm'), name);
    }
  });

  it('adds prom-client’s process metrics under the same prefix, on the same registry', async () => {
    const text = await createMetrics().registry.metrics();
    assert.match(text, /^# TYPE frontdesk_process_cpu_user_seconds_total counter$/m);
    assert.match(text, /^# TYPE frontdesk_nodejs_heap_size_used_bytes gauge$/m);
  });

  it('starts every known label value at zero so Prometheus sees the series', async () => {
    const text = await createMetrics().registry.metrics();
    for (const stage of turnStages) {
      assert.match(text, new RegExp(`^frontdesk_turn_latency_seconds_count\\{stage="${stage}"\\} 0$`, 'm'));
    }
    for (const dependency of dependencies) {
      assert.match(text, new RegExp(`^frontdesk_breaker_state\\{dependency="${dependency}"\\} 0$`, 'm'));
      assert.match(text, new RegExp(`^frontdesk_vendor_errors_total\\{dependency="${dependency}"\\} 0$`, 'm'));
    }
    for (const route of webhookRoutes) {
      assert.match(text, new RegExp(`^frontdesk_webhook_replays_total\\{route="${route}"\\} 0$`, 'm'));
    }
    for (const channel of bookingChannels) {
      for (const outcome of bookingOutcomes) {
        const series = `frontdesk_bookings_total{channel="${channel}",outcome="${outcome}"} 0`;
        assert.ok(text.includes(series), series);
      }
    }
  });

  it('gives each instance its own registry, never the global one', async () => {
    const first = createMetrics();
    const second = createMetrics();
    first.callsTotal.inc({ outcome: 'completed' });
    first.callsActive.inc();
    assert.match(await first.registry.metrics(), /^frontdesk_calls_total\{outcome="completed"\} 1$/m);
    assert.match(await second.registry.metrics(), /^frontdesk_calls_total\{outcome="completed"\} 0$/m);
    assert.match(await second.registry.metrics(), /^frontdesk_calls_active 0$/m);
    assert.equal(globalRegistry.getSingleMetric('frontdesk_calls_total'), undefined);
  });

  it('uses a registry it is given', async () => {
    const registry = new Registry();
    const metrics = createMetrics(registry);
    assert.equal(metrics.registry, registry);
    assert.ok(registry.getSingleMetric('frontdesk_outbox_pending'));
  });

  it('records observations, timers and breaker states', async () => {
    const metrics = createMetrics();
    metrics.turnLatencySeconds.observe({ stage: 'voice_to_voice' }, 0.7);
    const stopTimer = metrics.turnLatencySeconds.startTimer({ stage: 'action' });
    assert.ok(stopTimer() >= 0);
    metrics.breakerState.set({ dependency: 'openai' }, breakerState.open);
    metrics.webhookRequestsTotal.inc({ route: '/twilio/sms', status: 200 });
    metrics.webhookRequestsTotal.inc({ route: '/twilio/sms', status: '403' });
    metrics.jobsTotal.inc({ queue: 'outbox-relay', result: 'completed' });
    metrics.queueDepth.set({ queue: 'messages' }, 4);
    metrics.bargeInSeconds.observe(0.18);
    const text = await metrics.registry.metrics();
    assert.match(text, /^frontdesk_turn_latency_seconds_bucket\{le="0.8",stage="voice_to_voice"\} 1$/m);
    assert.match(text, /^frontdesk_turn_latency_seconds_count\{stage="action"\} 1$/m);
    assert.match(text, /^frontdesk_breaker_state\{dependency="openai"\} 2$/m);
    assert.match(text, /^frontdesk_webhook_requests_total\{route="\/twilio\/sms",status="200"\} 1$/m);
    assert.match(text, /^frontdesk_webhook_requests_total\{route="\/twilio\/sms",status="403"\} 1$/m);
    assert.match(text, /^frontdesk_jobs_total\{queue="outbox-relay",result="completed"\} 1$/m);
    assert.match(text, /^frontdesk_queue_depth\{queue="messages"\} 4$/m);
    assert.match(text, /^frontdesk_barge_in_seconds_count 1$/m);
  });

  it('records a label value that could carry personal data as "invalid"', async () => {
    const metrics = createMetrics();
    metrics.callsTotal.inc({ outcome: '+12125550123' });
    metrics.jobsTotal.inc({ queue: 'Alice Smith', result: 'failed' });
    metrics.webhookReplaysTotal.inc({ route: '/customers/2125550123' });
    metrics.webhookRequestsTotal.inc({ route: '/twilio/voice', status: 'I would like a haircut' });
    // @ts-expect-error a transcript is not a turn stage; the compiler refuses it
    metrics.turnLatencySeconds.observe({ stage: 'book me for tuesday' }, 1);
    // @ts-expect-error nor is a name a dependency
    metrics.vendorErrorsTotal.inc({ dependency: 'alice' });
    const text = await metrics.registry.metrics();
    assert.match(text, /^frontdesk_calls_total\{outcome="invalid"\} 1$/m);
    assert.match(text, /^frontdesk_jobs_total\{queue="invalid",result="failed"\} 1$/m);
    assert.match(text, /^frontdesk_webhook_replays_total\{route="invalid"\} 1$/m);
    assert.match(text, /^frontdesk_webhook_requests_total\{route="\/twilio\/voice",status="invalid"\} 1$/m);
    assert.match(text, /^frontdesk_turn_latency_seconds_count\{stage="invalid"\} 1$/m);
    assert.match(text, /^frontdesk_vendor_errors_total\{dependency="invalid"\} 1$/m);
    assert.doesNotMatch(text, /2125550123|Alice|haircut|tuesday|alice/);
  });
});
