import type { Env } from './env.js';

export type VendorName = 'twilio' | 'deepgram' | 'elevenlabs' | 'openai' | 'google' | 'smtp';
export type VendorMode = 'configured' | 'local';

export interface VendorStatus {
  vendor: VendorName;
  mode: VendorMode;
  /** What runs in its place, or what is used, in one sentence for the start-up log. */
  detail: string;
}

/**
 * Which vendors have keys and which are replaced by their local stand-ins (DESIGN §3). The
 * start-up log prints one line per vendor from this list and /health reports it.
 */
export function describeVendors(env: Env): VendorStatus[] {
  const pick = (vendor: VendorName, configured: boolean, real: string, local: string): VendorStatus => ({
    vendor,
    mode: configured ? 'configured' : 'local',
    detail: configured ? real : local,
  });
  return [
    pick(
      'twilio',
      Boolean(env.TWILIO_ACCOUNT_SID && env.TWILIO_AUTH_TOKEN),
      'Twilio REST for texts and call control; webhooks verified with TWILIO_AUTH_TOKEN',
      'no Twilio account: outbound texts are recorded as not sent; webhooks verified with a local development token',
    ),
    pick(
      'deepgram',
      Boolean(env.DEEPGRAM_API_KEY),
      'Deepgram live transcription over Media Streams',
      "no Deepgram key: calls use Twilio's own speech recognition (<Gather input=\"speech\">)",
    ),
    pick(
      'elevenlabs',
      Boolean(env.ELEVENLABS_API_KEY),
      'ElevenLabs streaming voice',
      'no ElevenLabs key: replies are spoken with Twilio <Say>',
    ),
    pick(
      'openai',
      Boolean(env.OPENAI_API_KEY),
      `OpenAI ${env.OPENAI_MODEL} when the rules are unsure`,
      'no OpenAI key: understanding runs on rules only',
    ),
    pick(
      'google',
      Boolean(env.GOOGLE_CALENDAR_CREDENTIALS),
      'Google Calendar kept in step with bookings',
      'no Google credentials: the local calendar in Postgres is the only calendar',
    ),
    pick(
      'smtp',
      Boolean(env.SMTP_URL),
      'email sent through SMTP_URL',
      `no SMTP_URL: email is written as .eml files under ${env.DATA_DIR}/mail`,
    ),
  ];
}
