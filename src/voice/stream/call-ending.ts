import type { MediaStreamSession } from '../../../media-streams/index.js';
import type { PhraseCache, PhraseScope } from '../../speech/index.js';
import type { DataSource } from 'typeorm';
import type { CallControl } from './call-control.js';
import { recordStreamEnd, type StreamCallRecord } from './call-record.js';

export interface CallEndingContext {
  dataSource: DataSource;
  control: CallControl;
  media: MediaStreamSession;
  phrases: PhraseCache;
  scope: PhraseScope;
  call: StreamCallRecord;
}

/**
 * Hands the call to a person or hangs up. The ending is recorded first, so that whichever way
 * Twilio learns of it — our REST update, or the stream closing and Twilio following the
 * `<Redirect>` after `<Connect>` — the call ends the same way. The caller closes the stream.
 */
export async function endCall(context: CallEndingContext, how: 'hangup' | 'transfer', outcome: string | undefined): Promise<void> {
  const forwardTo = context.call.business.forwardingNumber;
  const transfer = how === 'transfer' && forwardTo !== undefined;
  await recordStreamEnd(context.dataSource, context.call.id, transfer ? 'transfer' : 'hangup', outcome ?? (transfer ? 'transferred' : 'hung_up'));
  if (transfer) await context.control.transfer(context.call.callSid, forwardTo);
  else await context.control.hangUp(context.call.callSid);
}

/**
 * Our speech path failed mid-call (transcription dropped, synthesis failed, a turn threw): say
 * the cached apology and let the call carry on in `<Gather>` mode, which the stream-ended route
 * picks up from the dialog's last question. The caller closes the stream.
 */
export async function fallBackToGather(context: CallEndingContext): Promise<void> {
  const apology = context.phrases.get(context.scope, 'apology');
  const played = apology ? context.media.play(apology.audio).done : undefined;
  await recordStreamEnd(context.dataSource, context.call.id, 'dropped');
  await played;
}
