import type { Understood } from '../understanding/types.js';

/**
 * Yes to what we asked: to details ("is that right?"), to an offer ("shall I book it?"), or
 * taking the one thing proposed ("that works": a select that picks no particular option).
 */
export function saysYes(understood: Understood): boolean {
  const { acts } = understood;
  const takesProposal = acts.includes('select') && understood.slots.choice === undefined;
  return acts.includes('affirm') || acts.includes('affirm_intent') || takesProposal;
}

export function saysNo(understood: Understood): boolean {
  return understood.acts.includes('negate') || understood.acts.includes('negate_intent');
}
