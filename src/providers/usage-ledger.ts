// Token accounting per stage and the budget cap. One ledger is shared by every model of a run
// (student and teacher), so the cap bounds the run's whole spend.
import { BudgetExceededError } from '../spec/errors.js';
import type { Usage } from '../spec/language-model.js';

/** Prices in US dollars per million tokens, for cost budgets. */
export interface TokenPrices {
  readonly inputPerMillion: number;
  readonly outputPerMillion: number;
}

/** A cap on paid calls. Either or both; unset means unlimited. */
export interface Budget {
  /** Input plus output tokens of calls actually made (cache hits are free). */
  readonly maxTokens?: number;
  readonly maxCostUsd?: number;
}

/** What one stage (or the whole run) spent. */
export interface StageUsage {
  /** Requests answered by the model. */
  calls: number;
  /** Requests answered from the response cache: not paid again. */
  cachedCalls: number;
  /** Attempts repeated after a transient failure. */
  retries: number;
  /** Requests that failed for good. */
  failures: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

const empty = (): StageUsage => ({
  calls: 0,
  cachedCalls: 0,
  retries: 0,
  failures: 0,
  inputTokens: 0,
  outputTokens: 0,
  costUsd: 0,
});

/** Cost of `usage` at `prices` (0 without prices). */
export function costOf(usage: Usage, prices?: TokenPrices): number {
  if (!prices) return 0;
  return (
    (usage.inputTokens * prices.inputPerMillion + usage.outputTokens * prices.outputPerMillion) /
    1e6
  );
}

/** Accumulates usage by stage and enforces a budget before each paid call. */
export class UsageLedger {
  private readonly stages = new Map<string, StageUsage>();

  /**
   * @param budget the cap; checked before each paid call, so calls already in flight finish and
   *   the total may pass the cap by at most the concurrency limit's worth of calls.
   * @param spentBefore what earlier sessions of the same run paid (from the response cache), so a
   *   resumed run keeps counting against the same cap.
   */
  constructor(
    readonly budget: Budget = {},
    private readonly spentBefore: { tokens: number; costUsd: number } = { tokens: 0, costUsd: 0 },
  ) {}

  private stage(name: string): StageUsage {
    let s = this.stages.get(name);
    if (!s) {
      s = empty();
      this.stages.set(name, s);
    }
    return s;
  }

  /** Records a paid call. */
  recordCall(stage: string, usage: Usage, prices?: TokenPrices): void {
    const s = this.stage(stage);
    s.calls++;
    s.inputTokens += usage.inputTokens;
    s.outputTokens += usage.outputTokens;
    s.costUsd += costOf(usage, prices);
  }

  recordCached(stage: string): void {
    this.stage(stage).cachedCalls++;
  }

  recordRetry(stage: string): void {
    this.stage(stage).retries++;
  }

  recordFailure(stage: string): void {
    this.stage(stage).failures++;
  }

  /** Usage of one stage, or of all stages together. */
  usage(stage?: string): StageUsage {
    if (stage !== undefined) return { ...(this.stages.get(stage) ?? empty()) };
    const total = empty();
    for (const s of this.stages.values()) {
      for (const key of Object.keys(total) as (keyof StageUsage)[]) total[key] += s[key];
    }
    return total;
  }

  /** Usage by stage name, for reports and the run store. */
  byStage(): Record<string, StageUsage> {
    return Object.fromEntries([...this.stages].map(([k, v]) => [k, { ...v }]));
  }

  /** Throws BudgetExceededError when the spend so far has reached the cap. */
  assertWithinBudget(): void {
    const total = this.usage();
    const tokens = this.spentBefore.tokens + total.inputTokens + total.outputTokens;
    const cost = this.spentBefore.costUsd + total.costUsd;
    const { maxTokens, maxCostUsd } = this.budget;
    if (maxTokens !== undefined && tokens >= maxTokens) {
      throw new BudgetExceededError(`token budget reached: ${tokens} of ${maxTokens} tokens spent`);
    }
    if (maxCostUsd !== undefined && cost >= maxCostUsd) {
      throw new BudgetExceededError(
        `cost budget reached: $${cost.toFixed(4)} of $${maxCostUsd.toFixed(4)} spent`,
      );
    }
  }
}
