import type { OfferingConfig } from "../config/types.js";
import type { ReportedUsage } from "../core/request-report.js";

/** USD per 1M tokens, as a request was billed. */
export interface BilledPrice {
  readonly input: number;
  readonly output: number;
  readonly cachedInput: number;
  readonly cacheWrite: number;
}

/** The offering's price in force at `at` (epoch ms). */
export function priceAt(offering: OfferingConfig, at: number): BilledPrice | undefined {
  void at;
  const price = offering.price;
  return price === undefined ? undefined : { ...price, cacheWrite: price.input };
}

/** The cost of `usage` at `price`, in USD: cache reads and writes at their prices, reasoning as output. */
export function costOf(usage: ReportedUsage, price: BilledPrice): number {
  const uncached = Math.max(0, usage.inputTokens - usage.cachedInputTokens - usage.cacheWriteInputTokens);
  return (
    (uncached * price.input +
      usage.cachedInputTokens * price.cachedInput +
      usage.cacheWriteInputTokens * price.cacheWrite +
      usage.outputTokens * price.output) /
    1_000_000
  );
}
