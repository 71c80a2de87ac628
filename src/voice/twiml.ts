import twilio from 'twilio';
import type VoiceResponse from 'twilio/lib/twiml/VoiceResponse.js';

type SayAttributes = VoiceResponse.SayAttributes;

/** Twilio's neural Polly voices per locale; other locales use Twilio's default voice. */
const POLLY_VOICES: Record<string, SayAttributes['voice']> = {
  'en-US': 'Polly.Joanna-Neural',
  'en-GB': 'Polly.Amy-Neural',
  'en-AU': 'Polly.Olivia-Neural',
  'en-IE': 'Polly.Niamh-Neural',
};

export const TWIML_CONTENT_TYPE = 'text/xml';

export interface SpokenBusiness {
  locale: string;
  greeting: string;
  recordingNotice?: string | undefined;
  /** Business words Twilio's recogniser should expect (service and staff names). */
  vocabulary: readonly string[];
}

function sayAttributes(locale: string): SayAttributes {
  const voice = POLLY_VOICES[locale];
  // Locales are validated against Twilio's list when business files load.
  return { language: locale as SayAttributes['language'], ...(voice ? { voice } : {}) };
}

function gatherSpeech(response: VoiceResponse, business: SpokenBusiness, actionPath: string): VoiceResponse.Gather {
  return response.gather({
    input: ['speech', 'dtmf'],
    action: actionPath,
    method: 'POST',
    speechTimeout: 'auto',
    speechModel: 'phone_call',
    enhanced: true,
    // Silence is posted too (empty SpeechResult), so the dialog can reprompt and, in the end, say goodbye.
    actionOnEmptyResult: true,
    language: business.locale as VoiceResponse.GatherAttributes['language'],
    ...(business.vocabulary.length ? { hints: business.vocabulary.join(', ') } : {}),
  });
}

/**
 * The first answer in `<Gather input="speech">` mode: the caller hears the (optional)
 * recording notice and the greeting, and what they say is posted to the gather route, which
 * runs the same dialog engine as the media-stream path.
 */
export function greetingTwiml(business: SpokenBusiness, gatherActionPath: string): string {
  const response = new twilio.twiml.VoiceResponse();
  if (business.recordingNotice) response.say(sayAttributes(business.locale), business.recordingNotice);
  gatherSpeech(response, business, gatherActionPath).say(sayAttributes(business.locale), business.greeting);
  return response.toString();
}

/** A reply, then listening for the caller's next turn. */
export function promptTwiml(business: SpokenBusiness, text: string, gatherActionPath: string): string {
  const response = new twilio.twiml.VoiceResponse();
  gatherSpeech(response, business, gatherActionPath).say(sayAttributes(business.locale), text);
  return response.toString();
}

/** A last sentence, then the call is handed to a person (`<Dial>`) or ended. */
export function closingTwiml(business: Pick<SpokenBusiness, 'locale'>, text: string, dialNumber?: string): string {
  const response = new twilio.twiml.VoiceResponse();
  if (text) response.say(sayAttributes(business.locale), text);
  if (dialNumber) response.dial(dialNumber);
  else response.hangup();
  return response.toString();
}

/**
 * Media-stream mode: Twilio opens our websocket, passing the per-call token as a `<Parameter>`
 * (never in the URL). When the stream ends, Twilio runs the next verb: a redirect to the route
 * that reads how the call ended (hung up, handed over, or dropped: carry on in `<Gather>` mode).
 */
export function streamTwiml(streamUrl: string, callToken: string, streamEndedPath: string): string {
  const response = new twilio.twiml.VoiceResponse();
  response.connect().stream({ url: streamUrl }).parameter({ name: 'callToken', value: callToken });
  response.redirect({ method: 'POST' }, streamEndedPath);
  return response.toString();
}

/** For a `To` number that routes to no business. */
export function notInServiceTwiml(): string {
  const response = new twilio.twiml.VoiceResponse();
  response.say(sayAttributes('en-US'), 'Sorry, the number you have called is not in service. Goodbye.');
  response.hangup();
  return response.toString();
}

/**
 * When we cannot serve the call (database down, internal error): never a Twilio error tone.
 * With a forwarding number the caller reaches a person; otherwise an apology.
 */
export function fallbackTwiml(options: { locale?: string; businessName?: string; forwardingNumber?: string }): string {
  const response = new twilio.twiml.VoiceResponse();
  const locale = options.locale ?? 'en-US';
  const who = options.businessName ? `${options.businessName}` : 'us';
  if (options.forwardingNumber) {
    response.say(sayAttributes(locale), `Thanks for calling ${who}. Please hold while I connect you.`);
    response.dial(options.forwardingNumber);
    return response.toString();
  }
  response.say(
    sayAttributes(locale),
    `Thanks for calling ${who}. We can't take your call right now. Please try again in a few minutes.`,
  );
  response.hangup();
  return response.toString();
}
