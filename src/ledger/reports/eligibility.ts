import { availabilityAt, inForce } from "../../catalog/agreements.js";
import type { Capability, GatewayConfig, OfferingConfig, PolicyConfig, Price } from "../../config/types.js";
import { boundaryReason } from "../../routing/planner.js";
import type { LedgerRow } from "../ledger-row.js";
import { priceAt } from "../../catalog/pricing.js";

/** Why an offering could not have served a request, in the words of a negotiation. */
export const ineligibilityReasons = [
  "exclusive",
  "launch-window",
  "not-offered",
  "boundary",
  "policy",
  "capability",
  "unpriced",
] as const;
export type Ineligibility = (typeof ineligibilityReasons)[number];

export type Eligibility =
  | { readonly eligible: true; readonly price: Price }
  | { readonly eligible: false; readonly why: Ineligibility; readonly reason: string };

/** Capabilities the ledger can tell a request used beyond its endpoint's own; see `needs`. */
const FEATURES: readonly Capability[] = ["tools", "vision", "json"];
const KNOWN: ReadonlySet<string> = new Set<Capability>(["chat", "embeddings", ...FEATURES]);

/**
 * Whether `offering` could have served the request of `row` at the row's own time, checked in the
 * planner's order: the tenant's boundary (allowed and denied providers and regions), agreements and
 * availability windows then, capabilities and the context window, the tenant's max_price, and a price
 * in force to re-price with. The ledger records which features (tools, images, JSON) a request needed;
 * for older rows that do not say, an offering lacking one the serving offering had is counted as unable
 * to serve: a saving is never claimed on traffic that might not have moved.
 */
export function eligibilityOf(
  offering: OfferingConfig,
  row: LedgerRow,
  served: OfferingConfig | undefined,
  policy: PolicyConfig,
  config: Pick<GatewayConfig, "models" | "agreements">,
): Eligibility {
  const at = row.startedAt;
  const boundary = boundaryReason(offering, policy);
  if (boundary !== undefined) return { eligible: false, why: "boundary", reason: boundary };
  const availability = availabilityAt(offering, config, at);
  if (!availability.available)
    return { eligible: false, why: availabilityCategory(offering, config, at), reason: availability.reason };
  for (const capability of needs(row, served))
    if (!offering.capabilities.has(capability))
      return { eligible: false, why: "capability", reason: `no ${capability} support on this offering` };
  if (offering.contextWindow !== undefined && row.inputTokens > offering.contextWindow)
    return {
      eligible: false,
      why: "capability",
      reason: `prompt of ${row.inputTokens} tokens exceeds the context window of ${offering.contextWindow}`,
    };
  const price = priceAt(offering, at);
  if (price === undefined) return { eligible: false, why: "unpriced", reason: "no price in force then" };
  const { input: maxInput, output: maxOutput } = policy.maxPrice;
  if (maxInput !== undefined && price.input > maxInput)
    return { eligible: false, why: "policy", reason: `input price $${price.input}/1M is over max_price` };
  if (maxOutput !== undefined && price.output > maxOutput)
    return { eligible: false, why: "policy", reason: `output price $${price.output}/1M is over max_price` };
  return { eligible: true, price };
}

/**
 * What the request needed: as recorded in its row; for rows from before that was recorded, its endpoint's
 * capability and every feature the serving offering had (it may have used them).
 */
function needs(row: LedgerRow, served: OfferingConfig | undefined): Capability[] {
  if (row.capabilities !== null && row.capabilities !== "")
    return row.capabilities.split(",").filter((name): name is Capability => KNOWN.has(name));
  const own: Capability[] = [row.endpoint === "embeddings" ? "embeddings" : "chat"];
  if (served === undefined) return own;
  return [...own, ...FEATURES.filter((feature) => served.capabilities.has(feature))];
}

/** Which rule of `availabilityAt` said no: the offering's own window or release, else an agreement. */
function availabilityCategory(
  offering: OfferingConfig,
  config: Pick<GatewayConfig, "models" | "agreements">,
  at: number,
): Ineligibility {
  if (offering.availableFrom !== undefined && at < offering.availableFrom) return "not-offered";
  if (offering.availableUntil !== undefined && at >= offering.availableUntil) return "not-offered";
  const model = config.models.get(offering.model);
  if (model === undefined || (model.releasedAt !== undefined && at < model.releasedAt)) return "not-offered";
  const excluded = config.agreements.some(
    (agreement) =>
      agreement.vendor === model.vendor &&
      agreement.terms === "exclusive" &&
      inForce(agreement, at) &&
      !agreement.channel.has(offering.provider),
  );
  return excluded ? "exclusive" : "launch-window";
}
