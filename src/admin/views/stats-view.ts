import { DateTime } from 'luxon';
import { html } from '../html.js';
import type { BusinessStats } from '../stats-queries.js';
import { barChart } from './bar-chart.js';
import { milliseconds, percent, seconds } from './format.js';
import { businessPicker } from './layout.js';

function card(label: string, value: string | number, note?: string) {
  return html`<div class="card" data-stat="${label}"><div class="label">${label}</div><div class="value">${value}</div>${note && html`<div class="note">${note}</div>`}</div>`;
}

export function statsContent(stats: BusinessStats, businesses: readonly { id: string; name: string }[]) {
  const shortLabel = (label: string) => {
    const at = DateTime.fromISO(label);
    return stats.bucket === 'hour' ? at.toFormat('HH') : at.toFormat('d LLL');
  };
  const title = stats.from === stats.to ? stats.from : `${stats.from} – ${stats.to}`;
  const v2v = stats.voiceToVoiceMs;
  return html`<h1>${stats.from === stats.to ? 'Day' : 'Range'} · ${title}</h1>
  <form class="toolbar" method="get" action="/admin">
    ${businessPicker(businesses, stats.business)}
    <label>From<input type="date" name="from" value="${stats.from}"></label>
    <label>To<input type="date" name="to" value="${stats.to}"></label>
    <button type="submit">Show</button>
  </form>
  <section class="cards">
    ${card('Calls', stats.calls)}
    ${card('Answered', stats.answered)}
    ${card('Booked', stats.booked, 'calls that ended in a booking')}
    ${card('Conversion', percent(stats.conversion), 'booked ÷ answered')}
    ${card('Transfers', stats.transfers)}
    ${card('Messages', stats.messages, 'texts and emails, in and out')}
    ${card('Bookings made', stats.bookingsMade, 'all channels')}
    ${card('Average call', seconds(stats.averageCallSeconds))}
    ${card('Voice-to-voice p50', milliseconds(v2v?.p50), v2v ? `${v2v.turns} timed turns` : 'no timed turns')}
    ${card('Voice-to-voice p95', milliseconds(v2v?.p95))}
    ${card('Barge-ins', stats.bargeIns)}
  </section>
  ${barChart({
    title: `Calls and bookings by ${stats.bucket} (${stats.timeZone})`,
    labels: stats.series.map((bucket) => bucket.label),
    series: [
      { name: 'calls', className: 'bar-a', values: stats.series.map((bucket) => bucket.calls) },
      { name: 'booked', className: 'bar-b', values: stats.series.map((bucket) => bucket.booked) },
    ],
    shortLabel,
  })}`;
}
