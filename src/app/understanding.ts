import type { Logger } from 'pino';
import type { Env } from '../config/env.js';
import { HybridUnderstanding } from '../dialog/understanding/hybrid-understanding.js';
import { createOpenAIUnderstanding } from '../dialog/understanding/openai-understanding.js';
import { RuleUnderstanding } from '../dialog/understanding/rule-understanding.js';
import type { Understanding } from '../dialog/understanding/types.js';
import type { Metrics } from '../observability/metrics.js';
import { createVendorPolicy } from '../resilience/vendor-policy.js';
import { tuned, type PolicyTuning } from './vendor-tuning.js';

/**
 * A live caller is waiting: the model gets little time and one retry before the rules answer alone.
 * A speech turn must be answered within 2 s at p99 (DESIGN), and its own work on a slow machine
 * takes ~300 ms beside the model's wait (fault #4, every vendor 10 s late: 1.80–1.85 s at 1.5 s).
 * On a call the retry follows a quick failure only (`liveCaller`): after a timed-out attempt a
 * second one cannot end in time (fault #4 saw 2.7 s turns, timed out and retried before the
 * breaker opened).
 */
const MODEL_TIMEOUT_MS = 1300;

/** The rules, with the OpenAI model behind them when OPENAI_API_KEY is set. */
export function createUnderstanding(env: Env, metrics: Metrics, logger: Logger, tuning?: PolicyTuning): Understanding {
  // chrono-node builds its parsers on first use (~100 ms); pay that at start, not on a caller's first turn.
  new RuleUnderstanding().warmUp();
  const llm = env.OPENAI_API_KEY
    ? createOpenAIUnderstanding({
        apiKey: env.OPENAI_API_KEY,
        baseURL: env.OPENAI_BASE_URL,
        model: env.OPENAI_MODEL,
        policy: createVendorPolicy({ dependency: 'openai', metrics, logger, ...tuned({ timeoutMs: MODEL_TIMEOUT_MS, retries: 1 }, tuning) }),
      })
    : undefined;
  return new HybridUnderstanding({ llm, logger, metrics });
}
