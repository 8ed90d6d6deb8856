import { parseInstant } from "../catalog/time.js";
import type { ConfigFile } from "./schema.js";
import type { PriceChange } from "./types.js";

type OfferingFile = ConfigFile["offerings"][number];
type PriceFile = NonNullable<OfferingFile["price"]>;

/**
 * An offering's `price` or `prices`, resolved into its price changes, sorted. Problems name the path:
 * both forms at once, a later entry without `from`, or `from`s that are not strictly increasing
 * (a duplicate would leave two prices in force at one instant). The order is checked, not fixed:
 * an unsorted list is more likely a typo in a date than an intent.
 */
export function resolvePrices(offering: OfferingFile, at: string, problems: string[]): PriceChange[] {
  if (offering.price !== undefined && offering.prices !== undefined) {
    problems.push(`${at}.prices: set price or prices, not both`);
    return [];
  }
  if (offering.price !== undefined) return [{ from: undefined, ...resolvePrice(offering.price) }];
  const changes: PriceChange[] = [];
  offering.prices?.forEach((entry, index) => {
    const path = `${at}.prices[${index}].from`;
    const from = entry.from === undefined ? undefined : parseInstant(entry.from);
    if (entry.from !== undefined && from === undefined) problems.push(`${path}: not a valid date`);
    else if (from === undefined && index > 0)
      problems.push(`${path}: required (only the first price may hold since always)`);
    const previous = changes.at(-1);
    if (from !== undefined && previous?.from !== undefined && from <= previous.from)
      problems.push(
        from === previous.from
          ? `${path}: the same instant as prices[${index - 1}].from`
          : `${path}: must be after prices[${index - 1}].from (list prices oldest first)`,
      );
    changes.push({ from, ...resolvePrice(entry) });
  });
  return changes;
}

function resolvePrice(price: PriceFile): Omit<PriceChange, "from"> {
  return {
    input: price.input,
    output: price.output,
    cachedInput: price.cached_input ?? price.input,
    // Anthropic bills 5-minute cache writes at 1.25x input and 1-hour writes at 2x; which one a
    // request used is not in its usage, so the catalog states it and the default is plain input.
    cacheWrite: price.cache_write ?? price.input,
  };
}
