import { DateTime, type Zone } from 'luxon';
import type { Business } from '../../config/business-schema.js';
import { businessZone } from '../../scheduling/scheduler.js';
import { sayOptions, sayWhen } from '../rendering/spoken-time.js';

export type Channel = 'voice' | 'sms' | 'whatsapp';

/** The words of each reply; spoken replies are short, texts may list options. */
export class Replies {
  private readonly zone: Zone;

  constructor(
    private readonly business: Business,
    private readonly channel: Channel,
    private readonly now: Date,
  ) {
    this.zone = businessZone(business.timeZone);
  }

  private service(serviceId: string): string {
    return (this.business.services.find((service) => service.id === serviceId)?.name ?? serviceId).toLowerCase();
  }

  private staff(staffId: string): string {
    return this.business.staff.find((member) => member.id === staffId)?.name ?? staffId;
  }

  when(start: Date): string {
    return sayWhen(start, this.now, this.zone);
  }

  askService(): string {
    const names = this.business.services.map((service) => service.name.toLowerCase());
    return `Which service would you like? We offer ${names.slice(0, -1).join(', ')} and ${names.at(-1)}.`;
  }

  unknownService(): string {
    return `Sorry, that's not something we offer. ${this.askService()}`;
  }

  askDay(serviceId: string): string {
    return `Sure, a ${this.service(serviceId)}. What day would suit you?`;
  }

  offer(starts: Date[], intro = 'I can do'): string {
    if (this.channel === 'voice') return `${intro} ${sayOptions(starts, this.now, this.zone)}. Which would you like?`;
    const lines = starts.map((start, i) => `${i + 1}) ${this.when(start)}`);
    return `${intro}:\n${lines.join('\n')}\nReply with the number you'd like.`;
  }

  /** `date` `YYYY-MM-DD` and `time` `HH:MM` on the business's wall clock. */
  notFreeAt(date: string, time: string): string {
    const at = DateTime.fromISO(`${date}T${time}`, { zone: this.zone }).toJSDate();
    return `Sorry, ${this.when(at)} isn't free.`;
  }

  whichOne(starts: Date[]): string {
    if (this.channel === 'voice') return `Which one: ${sayOptions(starts, this.now, this.zone)}?`;
    return `Which one would you like? Reply with its number, 1 to ${starts.length}.`;
  }

  nothingThatDay(): string {
    return "Sorry, there's nothing free then.";
  }

  nothingEarlier(than: Date): string {
    return `Sorry, there's nothing earlier than ${this.when(than)}.`;
  }

  nothingAtAll(): string {
    return "Sorry, I couldn't find a free time in the next two weeks. Would you like me to pass your details to the team?";
  }

  confirmBooking(serviceId: string, staffId: string, start: Date): string {
    return `So that's a ${this.service(serviceId)} with ${this.staff(staffId)} ${this.when(start)}. Shall I book it?`;
  }

  askBookingName(): string {
    return 'What name should I put the booking under?';
  }

  askBookingPhone(): string {
    return 'And what number should we text the confirmation to?';
  }

  /** `triedNumber`: we looked under the number they call or text from and found nothing. */
  askLookupName(triedNumber: boolean): string {
    return triedNumber
      ? "I can't find an upcoming appointment for this number. What name is the booking under?"
      : 'Sure. What name is the booking under?';
  }

  askLookupDate(): string {
    return 'And what day is the appointment?';
  }

  noUpcomingUnder(name: string): string {
    return `I can't find an upcoming appointment under ${name} on that day. Would you like to book one?`;
  }

  confirmMove(staffId: string, start: Date): string {
    return `So I'll move it to ${this.when(start)} with ${this.staff(staffId)}. Shall I go ahead?`;
  }

  moved(start: Date): string {
    return `Done, your appointment is now ${this.when(start)}. Is there anything else I can help with?`;
  }

  booked(start: Date): string {
    const written = this.channel === 'voice' ? ' You will get a confirmation by text.' : ' A confirmation with the details follows.';
    return `You're booked for ${this.when(start)}.${written} Is there anything else I can help with?`;
  }

  taken(): string {
    return 'Sorry, that time was just taken.';
  }

  askWhatToChange(): string {
    return 'No problem. What would you like to change: the day, the time or the service?';
  }

  confirmCancel(start: Date, serviceId: string): string {
    return `You have a ${this.service(serviceId)} ${this.when(start)}. Shall I cancel it?`;
  }

  cancelled(): string {
    return "That's cancelled. Is there anything else I can help with?";
  }

  keptBooking(): string {
    return "Okay, I've left it as it is. Is there anything else I can help with?";
  }

  transfer(): string {
    return 'Of course, let me put you through to the team.';
  }

  /** Why we take a message instead of putting them through. */
  nobodyToTransferTo(): string {
    return this.channel === 'voice'
      ? "There's nobody available to take the call right now, but I can take a message."
      : "I'll ask the team to get back to you.";
  }

  askMessageName(): string {
    return "What's your name?";
  }

  askMessagePhone(name: string): string {
    return `Thanks${name ? `, ${name}` : ''}. What number should the team call you back on?`;
  }

  askMessageReason(name: string): string {
    return `Thanks${name ? `, ${name}` : ''}. What would you like me to pass on?`;
  }

  messageTaken(): string {
    return "Thanks, I've passed that on and someone from the team will get back to you soon. Is there anything else I can help with?";
  }

  didNotCatch(): string {
    return this.channel === 'voice' ? "Sorry, I didn't catch that. Could you say it again?" : "Sorry, I didn't understand that. Could you rephrase?";
  }

  offerHuman(): string {
    return "I'm sorry I'm having trouble. Would you like me to put you through to the team?";
  }

  goodbye(): string {
    return `Thanks for contacting ${this.business.name}. Goodbye!`;
  }

  howCanIHelp(): string {
    return 'How can I help you? I can book, move or cancel an appointment.';
  }

  /** Local date of an instant, for comparing a slot with the day the customer asked for. */
  localDate(start: Date): string {
    return DateTime.fromJSDate(start, { zone: this.zone }).toISODate()!;
  }
}
