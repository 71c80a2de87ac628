/**
 * The carrier keywords of US/UK messaging (CTIA): a message that is nothing but one of these is
 * a consent instruction, not conversation, whatever its case or surrounding spaces. "cancel my
 * appointment" is a sentence and goes to the dialog; "CANCEL" alone is an opt-out. "YES" opts
 * back in only someone who opted out: for everyone else it answers the receptionist's question.
 */
const OPT_OUT = new Set(['stop', 'stopall', 'unsubscribe', 'cancel', 'end', 'quit']);
const OPT_IN = new Set(['start', 'unstop', 'yes']);
const HELP = new Set(['help']);

export type CarrierKeyword = 'opt-out' | 'opt-in' | 'help';

export function carrierKeyword(body: string, optedOut: boolean): { keyword: CarrierKeyword; word: string } | undefined {
  const word = body.trim().toLowerCase();
  if (OPT_OUT.has(word)) return { keyword: 'opt-out', word };
  if (OPT_IN.has(word) && (optedOut || word !== 'yes')) return { keyword: 'opt-in', word };
  if (HELP.has(word)) return { keyword: 'help', word };
  return undefined;
}
