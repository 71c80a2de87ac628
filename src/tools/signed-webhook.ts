/**
 * Sends one signed Twilio webhook to a running Frontdesk, the way Twilio would, and prints the
 * answer. Signs with TWILIO_AUTH_TOKEN or the local development token under DATA_DIR.
 *
 *   npm run webhook -- /twilio/voice To=+12125550100 From=+12125550199
 *   npm run webhook -- /twilio/voice CallSid=CA0123... To=...   (same CallSid again = a replay)
 */
import { parseEnv, publicUrlFor } from '../config/env.js';
import { resolveTwilioAuthToken } from '../config/twilio-auth-token.js';
import { postSignedForm, sid } from './twilio-client.js';

const [path, ...pairs] = process.argv.slice(2);
if (!path?.startsWith('/')) {
  console.error('usage: npm run webhook -- /twilio/voice Name=value [Name=value ...]');
  process.exit(2);
}

const env = parseEnv();
const params: Record<string, string> = {
  CallSid: sid('CA'),
  AccountSid: env.TWILIO_ACCOUNT_SID ?? `AC${'0'.repeat(32)}`,
  CallStatus: 'ringing',
  Direction: 'inbound',
};
for (const pair of pairs) {
  const at = pair.indexOf('=');
  if (at < 1) {
    console.error(`expected Name=value, got "${pair}"`);
    process.exit(2);
  }
  params[pair.slice(0, at)] = pair.slice(at + 1);
}

const response = await postSignedForm({
  url: `http://127.0.0.1:${env.PORT}${path}`,
  signedUrl: `${publicUrlFor(env, env.PORT)}${path}`,
  token: resolveTwilioAuthToken(env).token,
  params,
});
console.error(`${response.status} ${response.contentType} (CallSid ${params.CallSid})`);
console.log(response.body);
