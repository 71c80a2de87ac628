import twilio from 'twilio';
import { OriginRewritingRequestClient } from '../../channels/senders/twilio-request-client.js';
import type { Logger } from '../../observability/logger.js';
import type { VendorPolicy } from '../../resilience/vendor-policy.js';

/**
 * Ending a live call from our side: hand it to a person (`<Dial>`) or hang up. With a Twilio
 * account this is a REST call update (PROTOCOLS.md "REST"); the stream then stops by itself.
 * Without one the session closes the stream and the route Twilio is redirected to afterwards
 * reads the call's recorded ending (`stream-ended.ts`), so both paths end the same way.
 */
export interface CallControl {
  /** True when the REST update was made; false when there is no account (close the stream). */
  transfer(callSid: string, toNumber: string): Promise<boolean>;
  hangUp(callSid: string): Promise<boolean>;
}

export interface TwilioCallControlOptions {
  accountSid: string;
  authToken: string;
  /** TWILIO_API_URL: the REST origin, for fakes and proxies. */
  apiUrl?: string | undefined;
  policy: VendorPolicy;
  logger: Logger;
}

export function createTwilioCallControl(options: TwilioCallControlOptions): CallControl {
  const httpClient = options.apiUrl ? new OriginRewritingRequestClient(options.apiUrl, { timeout: 5000 }) : undefined;
  const client = twilio(options.accountSid, options.authToken, httpClient ? { httpClient } : {});

  async function update(callSid: string, params: { twiml?: string; status?: 'completed' }): Promise<boolean> {
    try {
      // Both updates are idempotent: the same TwiML or status twice leaves the call the same.
      await options.policy.execute(() => client.calls(callSid).update(params), { idempotent: true });
    } catch (error) {
      // 20404: the call has already ended, which is what we wanted.
      if ((error as { code?: number }).code === 20404 || (error as { status?: number }).status === 404) return true;
      throw error;
    }
    return true;
  }

  return {
    async transfer(callSid, toNumber) {
      const response = new twilio.twiml.VoiceResponse();
      response.dial(toNumber);
      return update(callSid, { twiml: response.toString() });
    },
    hangUp: (callSid) => update(callSid, { status: 'completed' }),
  };
}

/** No Twilio account: nothing to call; the session closes the stream instead. */
export function createStreamOnlyCallControl(logger: Logger): CallControl {
  return {
    async transfer(callSid) {
      logger.info({ callSid }, 'no Twilio account: transferring by ending the stream');
      return false;
    },
    async hangUp(callSid) {
      logger.info({ callSid }, 'no Twilio account: hanging up by ending the stream');
      return false;
    },
  };
}
