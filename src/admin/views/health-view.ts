import { html } from '../html.js';
import type { HealthReport } from '../health-report.js';

function pill(ok: boolean, text: string, warn = false) {
  return html`<span class="pill ${ok ? 'good' : warn ? 'warn' : 'bad'}">${text}</span>`;
}

export function healthContent(report: HealthReport) {
  const when = (at: Date) => at.toISOString().replace('T', ' ').slice(0, 19) + ' UTC';
  return html`<h1>Health</h1>
  <h2>Dependencies</h2>
  <table><thead><tr><th>Check</th><th>State</th><th>Error</th></tr></thead><tbody>
  ${report.checks.map((check) => html`<tr><td>${check.name}</td><td>${pill(check.ok, check.ok ? 'up' : 'down')}</td><td>${check.error ?? ''}</td></tr>`)}
  <tr><td>calendar (${report.calendar.provider})</td><td>${pill(report.calendar.ok, report.calendar.ok ? 'authorised' : 'refused')}</td>
    <td>${report.calendar.error ?? ''}${report.calendar.since && html` since ${when(report.calendar.since)}`}</td></tr>
  </tbody></table>
  <h2>Vendors</h2>
  <table><thead><tr><th>Vendor</th><th>Mode</th><th>Breaker</th><th>What runs</th></tr></thead><tbody>
  ${report.vendors.map((vendor) => {
    const breaker = report.breakers.find((b) => b.dependency.startsWith(vendor.vendor));
    return html`<tr><td>${vendor.vendor}</td><td>${pill(vendor.mode === 'configured', vendor.mode === 'configured' ? 'real' : 'local stand-in', true)}</td>
      <td>${breaker ? pill(breaker.state === 'closed', breaker.state, breaker.state === 'half-open') : html`<span class="muted">—</span>`}</td>
      <td class="muted">${vendor.detail}</td></tr>`;
  })}</tbody></table>
  <h2>Circuit breakers</h2>
  <table><thead><tr><th>Dependency</th><th>State</th></tr></thead><tbody>
  ${report.breakers.map((breaker) => html`<tr><td>${breaker.dependency}</td><td>${pill(breaker.state === 'closed', breaker.state, breaker.state === 'half-open')}</td></tr>`)}
  </tbody></table>
  <h2>Queues and outbox</h2>
  ${report.queues.length
    ? html`<table><thead><tr><th>Queue</th><th>Waiting</th></tr></thead><tbody>${report.queues.map(
        (queue) => html`<tr><td>${queue.queue}</td><td class="num">${queue.waiting}</td></tr>`,
      )}</tbody></table>`
    : html`<p class="muted">Queue depths are sampled by worker processes; this process runs none.</p>`}
  ${report.outbox.length
    ? html`<table><thead><tr><th>Outbox kind</th><th>Status</th><th>Rows</th><th>Oldest</th></tr></thead><tbody>${report.outbox.map(
        (row) => html`<tr><td>${row.kind}</td><td>${row.status}</td><td class="num">${row.count}</td><td>${when(row.oldest)}</td></tr>`,
      )}</tbody></table>`
    : html`<p>Outbox backlog: ${pill(true, 'empty')}</p>`}
  <h2>Last errors</h2>
  ${report.lastErrors.length
    ? html`<table><thead><tr><th>When</th><th>Job</th><th>Error</th></tr></thead><tbody>${report.lastErrors.map(
        (error) => html`<tr><td>${when(error.at)}</td><td>${error.kind}</td><td>${error.error}</td></tr>`,
      )}</tbody></table>`
    : html`<p class="muted">No delivery errors recorded.</p>`}`;
}
