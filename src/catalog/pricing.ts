import type { OfferingConfig, Price, PriceChange } from "../config/types.js";
import type { ReportedUsage } from "../core/request-report.js";

/**
 * Prices in force and what usage costs at them. Pure: the instant is always passed in, so a ledger
 * row, a plan and a what-if re-pricing of last month's traffic all read the same history.
 */

/**
 * The offering's price at `at` (epoch ms): the last change whose `from` is at or before it. Undefined
 * when the offering has no price, or `at` is before its first dated price.
 */
export function priceAt(offering: Pick<OfferingConfig, "prices">, at: number): PriceChange | undefined {
  const prices = offering.prices;
  for (let index = prices.length - 1; index >= 0; index--) {
    const change = prices[index];
    if (change !== undefined && (change.from === undefined || change.from <= at)) return change;
  }
  return undefined;
}

/** Token counts as `costOf` reads them; `ReportedUsage` and a ledger row both have this shape. */
export type BilledTokens = Pick<
  ReportedUsage,
  "inputTokens" | "cachedInputTokens" | "cacheWriteInputTokens" | "outputTokens" | "reasoningTokens"
>;

/**
 * USD for `usage` at `price` (USD per 1M tokens). `inputTokens` includes cache reads and writes
 * (OpenAI's semantics, see core/usage.ts), so the uncached rest pays the input price, cache reads the
 * cached price and cache writes theirs; `outputTokens` includes reasoning, which is billed as output.
 * Counts that contradict each other (more cached than input) are not clamped: the uncached part is
 * then negative and the cost says so, instead of hiding a usage bug.
 */
export function costOf(usage: BilledTokens, price: Price): number {
  const uncached = usage.inputTokens - usage.cachedInputTokens - usage.cacheWriteInputTokens;
  return (
    (uncached * price.input +
      usage.cachedInputTokens * price.cachedInput +
      usage.cacheWriteInputTokens * price.cacheWrite +
      usage.outputTokens * price.output) /
    1_000_000
  );
}
