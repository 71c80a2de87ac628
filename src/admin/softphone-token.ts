import twilio from 'twilio';

/** The settings of the Twilio Voice SDK softphone; all four or none. */
export interface TwilioSoftphoneSettings {
  accountSid: string;
  /** An API key sid (`SK…`): access tokens are signed with its secret, never the auth token. */
  apiKey: string;
  apiSecret: string;
  /** The TwiML App (`AP…`) whose voice URL is our `/twilio/voice`. */
  twimlAppSid: string;
}

export const SOFTPHONE_IDENTITY = 'softphone';
/** An admin session is hours long; the token only needs to outlive one test call. Twilio allows up to 24 h. */
const TOKEN_TTL_SECONDS = 3600;

export interface SoftphoneEnv {
  TWILIO_ACCOUNT_SID?: string | undefined;
  TWILIO_API_KEY?: string | undefined;
  TWILIO_API_SECRET?: string | undefined;
  TWILIO_TWIML_APP_SID?: string | undefined;
}

/** The settings when every one is present; otherwise the names still missing (empty when none is set). */
export function twilioSoftphoneSettings(env: SoftphoneEnv): { settings: TwilioSoftphoneSettings } | { missing: string[] } {
  const { TWILIO_ACCOUNT_SID: accountSid, TWILIO_API_KEY: apiKey, TWILIO_API_SECRET: apiSecret, TWILIO_TWIML_APP_SID: twimlAppSid } = env;
  if (accountSid && apiKey && apiSecret && twimlAppSid) return { settings: { accountSid, apiKey, apiSecret, twimlAppSid } };
  const softphoneKeys = { TWILIO_API_KEY: apiKey, TWILIO_API_SECRET: apiSecret, TWILIO_TWIML_APP_SID: twimlAppSid };
  // An account without any softphone key is simply a Twilio install without the softphone.
  if (!Object.values(softphoneKeys).some(Boolean)) return { missing: [] };
  const missing = Object.entries({ TWILIO_ACCOUNT_SID: accountSid, ...softphoneKeys })
    .filter(([, value]) => !value)
    .map(([name]) => name);
  return { missing };
}

/**
 * An Access Token with a Voice grant for outgoing calls through the TwiML App, for the browser's
 * `Twilio.Device`. Twilio then posts `From=client:softphone` and our `To` to `/twilio/voice`.
 * https://www.twilio.com/docs/iam/access-tokens
 */
export function mintSoftphoneToken(settings: TwilioSoftphoneSettings): { token: string; identity: string; ttlSeconds: number } {
  const { AccessToken } = twilio.jwt;
  const token = new AccessToken(settings.accountSid, settings.apiKey, settings.apiSecret, {
    identity: SOFTPHONE_IDENTITY,
    ttl: TOKEN_TTL_SECONDS,
  });
  token.addGrant(new AccessToken.VoiceGrant({ outgoingApplicationSid: settings.twimlAppSid, incomingAllow: false }));
  return { token: token.toJwt(), identity: SOFTPHONE_IDENTITY, ttlSeconds: TOKEN_TTL_SECONDS };
}
