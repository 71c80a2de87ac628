import type { Business } from '../../config/business-schema.js';
import type { DialogReply, TurnContext } from './dialog-engine.js';

/** Where a message for the team goes: the dialog knows only this port, never the outbox. */
export interface TeamInbox {
  /** Records a message for the business's team; the same message left twice is kept once. */
  leaveMessage(message: TeamMessage): Promise<void>;
}

export interface TeamMessage {
  business: Business;
  channel: 'voice' | 'sms' | 'whatsapp';
  name: string;
  /** E.164, for the call back. */
  phone?: string | undefined;
  reason: string;
}

/**
 * When nobody can take the call (no forwarding number) or the customer is texting: take their
 * name, a number when we do not have one, and what it is about, and pass it to the team.
 */
export function startMessage(context: TurnContext, opening: string): DialogReply {
  context.state.message = { step: 'name' };
  context.state.expecting = 'name';
  return { text: `${opening} ${context.replies.askMessageName()}` };
}

export async function continueMessage(context: TurnContext): Promise<DialogReply> {
  const { state, understood, turn, replies } = context;
  const message = state.message!;
  const said = turn.utterance.trim();
  if (message.step === 'name') {
    const name = understood.slots.name;
    if (!name) return { text: replies.askMessageName() };
    message.name = name;
    message.step = turn.customerPhone ? 'reason' : 'phone';
    state.expecting = turn.customerPhone ? undefined : 'phone';
    return { text: turn.customerPhone ? replies.askMessageReason(name) : replies.askMessagePhone(name) };
  }
  if (message.step === 'phone') {
    const phone = understood.slots.phone;
    if (!phone) return { text: replies.askMessagePhone(message.name ?? '') };
    message.phone = phone;
    message.step = 'reason';
    state.expecting = undefined;
    return { text: replies.askMessageReason(message.name ?? '') };
  }
  if (!said) return { text: replies.askMessageReason(message.name ?? '') };
  await context.deps.team.leaveMessage({
    business: context.deps.business,
    channel: turn.channel,
    name: message.name ?? 'unknown',
    phone: message.phone ?? turn.customerPhone,
    reason: said,
  });
  state.message = undefined;
  state.stage = 'finished';
  return { text: replies.messageTaken() };
}
