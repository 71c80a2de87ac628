/** Where each local vendor fake listens; Twilio also needs the account its fake accepts. */
export interface FakeVendorUrls {
  deepgram?: string;
  elevenlabs?: string;
  openai?: string;
  twilio?: { accountSid: string; authToken: string; url: string };
}

/**
 * The env that points the real SDKs at local vendor fakes (any subset), with keys the fakes
 * accept. A vendor left out keeps its local stand-in.
 */
export function fakeVendorEnv(urls: FakeVendorUrls): Record<string, string> {
  return {
    ...(urls.deepgram ? { DEEPGRAM_API_KEY: 'test-key', DEEPGRAM_URL: urls.deepgram } : {}),
    ...(urls.elevenlabs ? { ELEVENLABS_API_KEY: 'test-key', ELEVENLABS_BASE_URL: urls.elevenlabs } : {}),
    ...(urls.openai ? { OPENAI_API_KEY: 'test-key', OPENAI_BASE_URL: urls.openai } : {}),
    ...(urls.twilio
      ? { TWILIO_ACCOUNT_SID: urls.twilio.accountSid, TWILIO_AUTH_TOKEN: urls.twilio.authToken, TWILIO_API_URL: urls.twilio.url }
      : {}),
  };
}
