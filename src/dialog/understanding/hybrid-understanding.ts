import type { Logger } from 'pino';
import type { Metrics } from '../../observability/metrics.js';
import { CallerCancelled } from '../../resilience/vendor-policy.js';
import { understandByRules } from './rule-understanding.js';
import type { Understanding, UnderstandingContext, Understood } from './types.js';

export interface HybridUnderstandingOptions {
  /** The model, when one is configured; without it the rules answer alone. */
  llm?: Understanding | undefined;
  /** Below this rules confidence the model is asked (default 0.6). */
  threshold?: number;
  logger: Logger;
  metrics?: Pick<Metrics, 'understandingTotal'>;
}

/**
 * Rules first, always; the model only when the rules are unsure, and never required: when it is
 * slow, down or answers nonsense, the rules' answer stands. What the model leaves out, the rules
 * may still supply.
 */
export class HybridUnderstanding implements Understanding {
  private readonly threshold: number;

  constructor(private readonly options: HybridUnderstandingOptions) {
    this.threshold = options.threshold ?? 0.6;
  }

  async understand(utterance: string, context: UnderstandingContext): Promise<Understood> {
    const ruled = understandByRules(utterance, context);
    const sure = ruled.confidence >= this.threshold;
    this.options.metrics?.understandingTotal.inc({ path: 'rules', outcome: sure ? 'understood' : 'unsure' });
    if (sure || !this.options.llm) return ruled;
    try {
      const modelled = await this.options.llm.understand(utterance, context);
      this.options.metrics?.understandingTotal.inc({ path: 'llm', outcome: 'understood' });
      return {
        acts: modelled.acts.length ? modelled.acts : ruled.acts,
        intent: modelled.intent ?? ruled.intent,
        slots: { ...ruled.slots, ...modelled.slots },
        confidence: Math.max(modelled.confidence, ruled.confidence),
      };
    } catch (error) {
      // A dropped turn is not the model failing: nobody is waiting for an answer.
      if (error instanceof CallerCancelled) throw error;
      this.options.metrics?.understandingTotal.inc({ path: 'llm', outcome: 'failed' });
      this.options.logger.warn({ err: error }, 'model understanding failed; the rules answer stands');
      return ruled;
    }
  }
}
