import { html } from '../html.js';
import { plainPage } from './layout.js';

export function loginPage(options: { loginToken: string; next: string; error?: string }): string {
  return plainPage(
    'Log in',
    html`<h1>Frontdesk admin</h1>
    ${options.error && html`<p class="error" role="alert">${options.error}</p>`}
    <form method="post" action="/admin/login">
      <input type="hidden" name="csrf" value="${options.loginToken}">
      <input type="hidden" name="next" value="${options.next}">
      <label>Password <input type="password" name="password" autocomplete="current-password" autofocus required></label>
      <button type="submit">Log in</button>
    </form>`,
  );
}

export function adminDisabledPage(): string {
  return plainPage(
    'Admin not enabled',
    html`<h1>The admin pages are not enabled</h1>
    <p>Set <code>ADMIN_PASSWORD</code> in the environment of the web process (a long random phrase) and restart it;
    then sign in here with that password.</p>
    <p class="muted">Without it nothing here is served, so the pages cannot be reached by accident.</p>`,
  );
}

export function problemPage(title: string, message: string): string {
  return plainPage(title, html`<h1>${title}</h1><p>${message}</p><p><a href="/admin">Back to the admin</a></p>`);
}
