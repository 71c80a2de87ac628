import { InvalidRecipientError, MessageRejectedError, RecipientOptedOutError, TemplateRequiredError } from './send-errors.js';

/**
 * Twilio's error codes we act on (https://www.twilio.com/docs/api/errors):
 * 21610 the recipient replied STOP; 21211 / 21614 / 21612 / 21408 / 63003 the number cannot get
 * this message (invalid, not mobile, unreachable route, region off, WhatsApp user unknown);
 * 63016 free-form WhatsApp outside the 24-hour window.
 */
const OPTED_OUT = 21610;
const INVALID_RECIPIENT = new Set([21211, 21214, 21408, 21612, 21614, 63003]);
const TEMPLATE_REQUIRED = 63016;

interface TwilioRestError {
  status?: number;
  code?: number;
  message?: string;
}

/** The SDK's RestException (an HTTP answer with Twilio's error body) as one of our typed errors; anything else unchanged. */
export function classifyTwilioError(error: unknown): unknown {
  const rest = error as TwilioRestError;
  if (typeof rest !== 'object' || rest === null || typeof rest.status !== 'number') return error;
  const code = typeof rest.code === 'number' ? rest.code : undefined;
  const codeText = code === undefined ? undefined : String(code);
  if (code === OPTED_OUT) return new RecipientOptedOutError(codeText!, { cause: error });
  if (code === TEMPLATE_REQUIRED) return new TemplateRequiredError(codeText!, { cause: error });
  if (code !== undefined && INVALID_RECIPIENT.has(code)) {
    return new InvalidRecipientError(`Twilio error ${code}`, codeText, { cause: error });
  }
  // 401/403 mean our credentials are wrong: that should trip the breaker and be loud, so it stays
  // retryable; 429 and 5xx are the vendor's trouble. Any other 4xx is a request that will never pass.
  const permanent = rest.status >= 400 && rest.status < 500 && ![401, 403, 429].includes(rest.status);
  return new MessageRejectedError(
    `Twilio refused the message: HTTP ${rest.status}${code ? `, error ${code}` : ''}`,
    codeText,
    !permanent,
    { cause: error },
  );
}
