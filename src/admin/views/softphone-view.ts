import { html, type SafeHtml } from '../html.js';

export interface SoftphoneView {
  businesses: readonly { id: string; name: string; phoneNumber: string }[];
  csrfToken: string;
  /** Why the local phone cannot call; absent when it can. */
  localUnavailable: string | undefined;
  twilioReady: boolean;
  twilioMissing: readonly string[];
}

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];

/**
 * The softphone page. Everything it does happens in `softphone.js` (served from our origin);
 * the markup carries what the script needs in `data-` attributes.
 */
export function softphoneContent(view: SoftphoneView): SafeHtml {
  return html`<link rel="stylesheet" href="/admin/softphone/assets/softphone.css">
    <h1>Softphone</h1>
    <section id="softphone" class="softphone" data-csrf="${view.csrfToken}" data-local="${view.localUnavailable ? 'off' : 'on'}" data-twilio="${view.twilioReady ? 'on' : 'off'}">
      <div class="toolbar">
        <label>Business<select id="business">${view.businesses.map(
          (business) => html`<option value="${business.id}" data-number="${business.phoneNumber}">${business.name}</option>`,
        )}</select></label>
      </div>
      <h2>Local dev phone</h2>
      ${view.localUnavailable
        ? html`<p class="error" data-local-unavailable>${view.localUnavailable}</p>`
        : html`<p class="muted">Your microphone is streamed to <code>/media-streams</code> the way Twilio streams a caller (mu-law, 8 kHz, 20 ms frames), and the receptionist's replies play here. The call is stored like any other, from <code>client:softphone</code>.</p>`}
      <div class="softphone-controls">
        <button type="button" id="call-local" ${view.localUnavailable ? html`disabled` : ''}>Call</button>
        ${view.twilioReady ? html`<button type="button" id="call-twilio">Call through Twilio</button>` : ''}
        <button type="button" id="hang-up" class="danger" disabled>Hang up</button>
      </div>
      <div class="keypad" aria-label="Keypad">${KEYS.map((key) => html`<button type="button" data-digit="${key}" disabled>${key}</button>`)}</div>
      <dl class="facts">
        <dt>Status</dt><dd id="status" data-state="idle">Idle</dd>
        <dt>Call</dt><dd id="call-sid">—</dd>
        <dt>Frames sent</dt><dd id="frames-sent">0</dd>
        <dt>Frames received</dt><dd id="frames-received">0</dd>
        <dt>Frames played</dt><dd id="frames-played">0</dd>
        <dt>Marks echoed</dt><dd id="marks-echoed">0</dd>
      </dl>
      <meter id="level" min="0" max="1" value="0" title="Microphone level"></meter>
      <h2>Through Twilio</h2>
      ${view.twilioReady
        ? html`<p class="muted">Calls the business's number through Twilio's Voice SDK and your TwiML App, so the whole production path runs: Twilio's webhook, the signed media stream, the phone network's audio.</p>`
        : html`<p class="muted">Set <code>TWILIO_API_KEY</code>, <code>TWILIO_API_SECRET</code> and <code>TWILIO_TWIML_APP_SID</code> (a TwiML App whose voice URL is <code>$PUBLIC_URL/twilio/voice</code>) with <code>TWILIO_ACCOUNT_SID</code> and restart, to call through Twilio instead.</p>`}
      ${view.twilioMissing.length > 0 && html`<p class="error">The Twilio softphone is set up only in part: set ${view.twilioMissing.join(', ')} too.</p>`}
      <noscript><p class="error">The softphone needs JavaScript.</p></noscript>
    </section>
    ${view.twilioReady && html`<script src="/admin/softphone/assets/twilio-voice-sdk.js"></script>`}
    <script type="module" src="/admin/softphone/assets/softphone.js"></script>`;
}
