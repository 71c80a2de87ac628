import { html } from '../html.js';
import type { CallDetail, CallSummary } from '../call-queries.js';
import { localTime, masked, milliseconds, seconds } from './format.js';
import { businessPicker } from './layout.js';

function outcomePill(outcome: string | null) {
  const tone = outcome === 'booked' ? 'good' : outcome === 'transferred' ? 'warn' : '';
  return html`<span class="pill ${tone}">${outcome ?? 'in progress'}</span>`;
}

export function callsContent(calls: CallSummary[], business: { id: string; timeZone: string }, businesses: readonly { id: string; name: string }[]) {
  return html`<h1>Calls</h1>
  <form class="toolbar" method="get" action="/admin/calls">${businessPicker(businesses, business.id)}<button type="submit">Show</button></form>
  ${calls.length === 0
    ? html`<p class="muted">No calls yet.</p>`
    : html`<table><thead><tr><th>Started</th><th>Caller</th><th>Status</th><th>Outcome</th><th>Turns</th><th>Length</th><th></th></tr></thead>
    <tbody>${calls.map(
      (call) => html`<tr>
        <td>${localTime(call.startedAt, business.timeZone)}</td><td>${masked(call.fromNumber)}</td><td>${call.status}</td>
        <td>${outcomePill(call.outcome)}</td><td class="num">${call.turnCount}</td><td class="num">${seconds(call.durationSeconds)}</td>
        <td><a href="/admin/calls/${call.id}">Transcript</a></td></tr>`,
    )}</tbody></table>`}`;
}

/** One call: the full caller number is shown here (a detail page), never in lists. */
export function callDetailContent(call: CallDetail, timeZone: string) {
  const timed = call.turns.some((turn) => Object.keys(turn.timings).length > 0);
  return html`<h1>Call ${localTime(call.startedAt, timeZone)}</h1>
  <dl class="facts">
    <dt>Caller</dt><dd>${call.fromNumber}${call.customerName && html` · ${call.customerName}`}</dd>
    <dt>Called</dt><dd>${call.toNumber}</dd>
    <dt>Outcome</dt><dd>${outcomePill(call.outcome)} <span class="muted">status ${call.status}</span></dd>
    <dt>Length</dt><dd>${seconds(call.durationSeconds)}</dd>
    <dt>Audio</dt><dd>${call.mediaMode === 'gather' ? "Twilio speech recognition (<Gather>)" : 'media stream'}</dd>
    <dt>Call SID</dt><dd><code>${call.callSid}</code></dd>
  </dl>
  <h2>Transcript</h2>
  ${call.turns.length === 0
    ? html`<p class="muted">No turns recorded.</p>`
    : html`<table class="transcript"><thead><tr><th>#</th><th>Who</th><th>Said</th>${timed && html`<th>Timings</th>`}</tr></thead>
    <tbody>${call.turns.map(
      (turn) => html`<tr class="turn-${turn.speaker}">
        <td class="num">${turn.seq}</td><td>${turn.speaker === 'agent' ? 'Receptionist' : 'Caller'}</td>
        <td>${turn.text}${turn.interrupted && html`<div class="heard">Interrupted; the caller heard: “${turn.heardText ?? ''}”</div>`}</td>
        ${timed && html`<td class="num">${Object.entries(turn.timings).map(([stage, ms]) => html`<div>${stage}: ${milliseconds(ms)}</div>`)}</td>`}</tr>`,
    )}</tbody></table>`}`;
}
