import type { Business } from '../config/business-schema.js';

/** What we text back when a message is not conversation: consent keywords, media, nothing. */
export class TextReplies {
  constructor(private readonly business: Business) {}

  private get callUs(): string {
    const number = this.business.phoneNumbers[0];
    return number ? ` or call ${number}` : '';
  }

  optedOut(word: string): string {
    const text = `You're unsubscribed from ${this.business.name} texts and won't get any more. Reply START to resubscribe.`;
    // "CANCEL" alone is the carrier's opt-out word; someone who meant their booking needs the way to say so.
    if (word !== 'cancel') return text;
    return `${text} To cancel an appointment, reply START and then "cancel my appointment"${this.callUs}.`;
  }

  optedIn(): string {
    return `You're resubscribed to ${this.business.name} texts. How can I help? I can book, move or cancel an appointment.`;
  }

  help(): string {
    return `${this.business.name}: text us to book, move or cancel an appointment${this.callUs}. Reply STOP to unsubscribe.`;
  }

  slowDown(): string {
    return "You're sending messages faster than I can answer. Please wait a minute, then send your question again.";
  }

  mediaOnly(): string {
    return "Thanks! I can only read text messages, so please type what you'd like. I can book, move or cancel an appointment.";
  }

  empty(): string {
    return 'Sorry, your message was empty. How can I help? I can book, move or cancel an appointment.';
  }
}
