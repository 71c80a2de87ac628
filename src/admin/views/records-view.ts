import { html } from '../html.js';
import type { BookingListing, MessageListing } from '../record-queries.js';
import { localTime, masked } from './format.js';
import { businessPicker } from './layout.js';

type BusinessChoice = { id: string; name: string };

export function bookingsContent(options: {
  bookings: BookingListing[];
  business: { id: string; timeZone: string };
  businesses: readonly BusinessChoice[];
  when: 'upcoming' | 'past';
  csrfToken: string;
  cancelled: boolean;
}) {
  const byStaff = new Map<string, BookingListing[]>();
  for (const booking of options.bookings) byStaff.set(booking.staffName, [...(byStaff.get(booking.staffName) ?? []), booking]);
  const back = `/admin/bookings?business=${encodeURIComponent(options.business.id)}&when=${options.when}`;
  return html`<h1>Bookings</h1>
  ${options.cancelled && html`<p class="flash" role="status">Booking cancelled; the customer will be told.</p>`}
  <form class="toolbar" method="get" action="/admin/bookings">
    ${businessPicker(options.businesses, options.business.id)}
    <label>When<select name="when">${(['upcoming', 'past'] as const).map(
      (when) => html`<option value="${when}" ${when === options.when ? html`selected` : ''}>${when}</option>`,
    )}</select></label>
    <button type="submit">Show</button>
  </form>
  ${byStaff.size === 0 ? html`<p class="muted">No ${options.when} bookings.</p>` : ''}
  ${[...byStaff].map(
    ([staff, bookings]) => html`<section class="staff-group"><h2>${staff}</h2>
    <table><thead><tr><th>When</th><th>Service</th><th>Customer</th><th>Channel</th><th>Status</th><th></th></tr></thead><tbody>
    ${bookings.map(
      (booking) => html`<tr data-booking="${booking.id}">
      <td>${localTime(booking.startsAt, options.business.timeZone)}</td><td>${booking.serviceName}</td>
      <td>${booking.customerName ?? ''} <span class="muted">${masked(booking.customerPhone)}</span></td><td>${booking.channel}</td>
      <td><span class="pill ${booking.status === 'confirmed' ? 'good' : 'bad'}">${booking.status}</span>${booking.lateCancellation && html` <span class="pill warn">late</span>`}</td>
      <td>${booking.status === 'confirmed' && options.when === 'upcoming'
        ? html`<form method="post" action="/admin/bookings/${booking.id}/cancel">
            <input type="hidden" name="csrf" value="${options.csrfToken}"><input type="hidden" name="back" value="${back}">
            <button class="danger" type="submit">Cancel</button></form>`
        : ''}</td></tr>`,
    )}</tbody></table></section>`,
  )}`;
}

function statusTone(status: string): string {
  if (['delivered', 'sent', 'received', 'read'].includes(status)) return 'good';
  if (['failed', 'undelivered', 'not_sent'].includes(status)) return 'bad';
  return '';
}

/** Texts are listed with addresses and bodies masked: a list never shows a full number. */
export function messagesContent(messages: MessageListing[], business: { id: string; timeZone: string }, businesses: readonly BusinessChoice[]) {
  return html`<h1>Messages</h1>
  <form class="toolbar" method="get" action="/admin/messages">${businessPicker(businesses, business.id)}<button type="submit">Show</button></form>
  ${messages.length === 0
    ? html`<p class="muted">No messages yet.</p>`
    : html`<table><thead><tr><th>When</th><th>Channel</th><th>From → To</th><th>Text</th><th>Status</th></tr></thead><tbody>
    ${messages.map(
      (message) => html`<tr>
      <td>${localTime(message.createdAt, business.timeZone)}</td><td>${message.channel} <span class="muted">${message.direction}</span></td>
      <td>${masked(message.fromAddress)} → ${masked(message.toAddress)}</td><td>${masked(message.body)}</td>
      <td><span class="pill ${statusTone(message.status)}">${message.status}</span>${message.errorCode && html` <span class="muted">error ${message.errorCode}</span>`}</td></tr>`,
    )}</tbody></table>`}`;
}
