/**
 * A model answer in the strict JSON shape `src/dialog/understanding/llm-answer.ts` asks for:
 * nothing understood, unless `overrides` say otherwise.
 */
export function modelAnswer(overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({
    acts: [],
    intent: null,
    date: null,
    time: null,
    time_of_day: null,
    service: null,
    staff: null,
    name: null,
    phone: null,
    email: null,
    faq_topic: null,
    requested: [],
    choice: null,
    shift: null,
    confidence: 0.5,
    ...overrides,
  });
}
