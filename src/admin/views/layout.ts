import { html, type SafeHtml } from '../html.js';

export type AdminSection = 'stats' | 'calls' | 'bookings' | 'messages' | 'health' | 'softphone';

const SECTIONS: { id: AdminSection; path: string; title: string }[] = [
  { id: 'stats', path: '/admin', title: 'Today' },
  { id: 'calls', path: '/admin/calls', title: 'Calls' },
  { id: 'bookings', path: '/admin/bookings', title: 'Bookings' },
  { id: 'messages', path: '/admin/messages', title: 'Messages' },
  { id: 'health', path: '/admin/health', title: 'Health' },
  { id: 'softphone', path: '/admin/softphone', title: 'Softphone' },
];

function document(title: string, body: SafeHtml): string {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Frontdesk admin</title><link rel="stylesheet" href="/admin/assets/admin.css"></head>
<body>${body}</body></html>`.value;
}

/** A signed-in page: navigation, a logout button carrying the session's CSRF token, the content. */
export function adminPage(options: { title: string; section: AdminSection; csrfToken: string; content: SafeHtml }): string {
  const nav = SECTIONS.map(
    (section) => html`<a href="${section.path}" class="${section.id === options.section ? 'current' : ''}">${section.title}</a>`,
  );
  return document(
    options.title,
    html`<header class="top"><span class="brand">Frontdesk</span><nav>${nav}</nav>
      <form method="post" action="/admin/logout"><input type="hidden" name="csrf" value="${options.csrfToken}"><button class="quiet" type="submit">Log out</button></form>
    </header>
    <main>${options.content}</main>`,
  );
}

/** A page outside a session: login, "admin is not enabled", errors before login. */
export function plainPage(title: string, content: SafeHtml): string {
  return document(title, html`<div class="login">${content}</div>`);
}

/** A `<select>` of the businesses with the current one chosen. */
export function businessPicker(businesses: readonly { id: string; name: string }[], current: string): SafeHtml {
  return html`<label>Business<select name="business">${businesses.map(
    (business) => html`<option value="${business.id}" ${business.id === current ? html`selected` : ''}>${business.name}</option>`,
  )}</select></label>`;
}
