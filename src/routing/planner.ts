import { availabilityAt, type Availability, type CatalogView } from "../catalog/agreements.js";
import { betaCloudOf, contextWindowWith, missingNeededBeta } from "../catalog/anthropic-betas.js";
import { regionMatches } from "../catalog/regions.js";
import { formatTime } from "../catalog/time.js";
import type { InputLimits } from "../codecs/codec.js";
import type {
  Capability,
  OfferingConfig,
  PolicyConfig,
  Price,
  ProviderConfig,
  Strategy,
} from "../config/types.js";
import type { Dialect } from "../core/chat-request.js";
import type { HealthView, OfferingHealth } from "../health/health-view.js";
import { priceAt } from "../catalog/pricing.js";
import { expectedCost, formatUsd } from "./cost.js";
import type { Candidate, Exclusion, Plan } from "./plan.js";
import { inputLimitHit, type RequestInputs } from "./request-inputs.js";

/** The catalog the planner reads: models, agreements, offerings and their providers. */
export interface PlannerCatalog extends CatalogView {
  readonly offerings: readonly OfferingConfig[];
  readonly providers: ReadonlyMap<string, ProviderConfig>;
}

/** What the planner needs to know about one request. */
export interface RequestFeatures {
  readonly model: string;
  readonly capabilities: readonly Capability[];
  readonly stream: boolean;
  /** Prompt tokens counted with a tokenizer; needed by `cheapest`, `balanced` and context checks. */
  readonly promptTokens: number | undefined;
  readonly maxOutputTokens: number | undefined;
  /** The forms of input (image links, inline images) some dialects cannot carry; none when absent. */
  readonly inputs?: RequestInputs | undefined;
  /** The client's `anthropic-beta` flags: a cloud that lacks one the request needs is left out. */
  readonly betas?: readonly string[] | undefined;
}

/** Per-request narrowing of the tenant's policy (headers `x-switchyard-*`), already validated. */
export interface PlanOverrides {
  readonly strategy?: Strategy | undefined;
  /** Only these providers (a subset of what the tenant allows). */
  readonly providers?: ReadonlySet<string> | undefined;
  /** Only these regions or geographies. */
  readonly regions?: readonly string[] | undefined;
}

export interface PlanInput {
  readonly catalog: PlannerCatalog;
  readonly policy: PolicyConfig;
  readonly overrides: PlanOverrides;
  readonly health: HealthView;
  readonly request: RequestFeatures;
  /** Epoch ms: the instant agreements, windows and circuits are evaluated at. */
  readonly now: number;
  /** A number in [0, 1) that `weighted` draws with; the only randomness, passed in. */
  readonly random: number;
  /** What each chat dialect cannot carry (the codecs' declarations); no limits when absent. */
  readonly inputLimits?: ReadonlyMap<Dialect, InputLimits> | undefined;
}

/**
 * Makes the plan for one request: a pure function of its inputs (same inputs, same plan).
 * Offerings outside the tenant's boundary, ineligible at `now`, lacking a needed capability, whose
 * dialect cannot carry the request's inputs (an image link to Bedrock Converse), whose cloud lacks an
 * `anthropic-beta` flag the request needs (a 1M-token prompt), over `max_price` or
 * behind an open circuit (for streams, also the streams' own) are excluded with a reason and its kind; the rest are ordered by the
 * strategy. The tenant's model fallbacks follow the model's own candidates (except for `pinned`).
 */
export function planRequest(input: PlanInput): Plan {
  const strategy = input.overrides.strategy ?? input.policy.strategy;
  const primary = planModel(input, input.request.model, strategy);
  if (strategy === "pinned") {
    const pin = input.policy.pins.get(input.request.model);
    const eligible = primary.candidates;
    const first = pin === undefined || eligible[0]?.provider.id === pin ? eligible[0] : undefined;
    const pinnedOut = eligible
      .filter((candidate) => candidate !== first)
      .map((candidate) => ({
        offering: candidate.offering,
        reason:
          first === undefined
            ? `pinned to ${pin ?? "?"}, which cannot serve this request`
            : `pinned to ${first.provider.id}`,
        boundary: false,
        kind: "ineligible" as const,
      }));
    return {
      model: input.request.model,
      strategy,
      at: input.now,
      candidates: first === undefined ? [] : [first],
      excluded: [...primary.excluded, ...pinnedOut],
      policy: input.policy,
    };
  }
  const candidates = [...primary.candidates];
  const excluded = [...primary.excluded];
  for (const fallback of input.policy.fallbacks.get(input.request.model) ?? []) {
    const planned = planModel(input, fallback, strategy);
    for (const candidate of planned.candidates)
      candidates.push({ ...candidate, reason: `fallback model ${fallback}; ${candidate.reason}` });
    excluded.push(...planned.excluded);
  }
  return { model: input.request.model, strategy, at: input.now, candidates, excluded, policy: input.policy };
}

interface Eligible {
  readonly offering: OfferingConfig;
  readonly provider: ProviderConfig;
  readonly health: OfferingHealth | undefined;
  readonly cost: number | undefined;
  readonly availability: string;
  readonly preferredChannel: boolean;
}

function planModel(
  input: PlanInput,
  model: string,
  strategy: Strategy,
): { candidates: Candidate[]; excluded: Exclusion[] } {
  const eligible: Eligible[] = [];
  const excluded: Exclusion[] = [];
  for (const offering of input.catalog.offerings) {
    if (offering.model !== model) continue;
    const provider = input.catalog.providers.get(offering.provider);
    if (provider === undefined) continue;
    const boundary = boundaryReason(offering, input.policy);
    if (boundary !== undefined) {
      excluded.push({ offering, reason: boundary, boundary: true, kind: "boundary" });
      continue;
    }
    const reason = exclusionReason(offering, provider, input);
    if ("kind" in reason) {
      excluded.push({ offering, boundary: false, ...reason });
      continue;
    }
    const request = input.request;
    eligible.push({
      offering,
      provider,
      health: reason.health,
      cost:
        reason.price === undefined
          ? undefined
          : expectedCost(
              reason.price,
              request.promptTokens ?? 0,
              request.maxOutputTokens,
              offering.maxOutputTokens,
            ),
      availability: reason.availability.reason,
      preferredChannel: reason.availability.preferred === true,
    });
  }
  return { candidates: order(eligible, strategy, input, model), excluded };
}

/** The tenant's hard boundary: allowed and denied providers and regions. */
export function boundaryReason(offering: OfferingConfig, policy: PolicyConfig): string | undefined {
  const provider = offering.provider;
  if (policy.denyProviders.has(provider)) return `provider ${provider} is denied by the tenant's policy`;
  if (policy.allowProviders !== undefined && !policy.allowProviders.has(provider))
    return `provider ${provider} is not allowed by the tenant's policy`;
  const region = offering.region ?? "unknown";
  if (policy.denyRegions.some((entry) => regionMatches(entry, offering.region, offering.geo)))
    return `region ${region} is denied by the tenant's policy`;
  if (
    policy.allowRegions !== undefined &&
    !policy.allowRegions.some((entry) => regionMatches(entry, offering.region, offering.geo))
  )
    return `region ${region} is not allowed by the tenant's policy (${policy.allowRegions.join(", ")})`;
  if (policy.keyProviders !== undefined && !policy.keyProviders.has(provider))
    return `provider ${provider} is outside the key's providers (${[...policy.keyProviders].join(", ")})`;
  if (
    policy.keyRegions !== undefined &&
    !policy.keyRegions.some((entry) => regionMatches(entry, offering.region, offering.geo))
  )
    return `region ${region} is outside the key's regions (${policy.keyRegions.join(", ")})`;
  return undefined;
}

type Excluded = Omit<Exclusion, "offering" | "boundary">;

/** Why an offering inside the boundary cannot serve this request now, or what it needs to know if it can. */
function exclusionReason(
  offering: OfferingConfig,
  provider: ProviderConfig,
  input: PlanInput,
): Excluded | { health: OfferingHealth | undefined; availability: Availability; price: Price | undefined } {
  const { overrides, policy, request, now } = input;
  const ineligible = (reason: string): Excluded => ({ reason, kind: "ineligible" });
  if (overrides.providers !== undefined && !overrides.providers.has(offering.provider))
    return {
      reason: `provider ${offering.provider} is not in x-switchyard-providers`,
      kind: "override",
      param: "x-switchyard-providers",
    };
  const regions = overrides.regions;
  if (regions !== undefined && !regions.some((entry) => regionMatches(entry, offering.region, offering.geo)))
    return {
      reason: `region ${offering.region ?? "unknown"} is not x-switchyard-region ${regions.join(", ")}`,
      kind: "override",
      param: "x-switchyard-region",
    };
  const availability = availabilityAt(offering, input.catalog, now);
  if (!availability.available) return ineligible(availability.reason);
  for (const capability of request.capabilities)
    if (!offering.capabilities.has(capability))
      return ineligible(`no ${capability} support on this offering`);
  const limit = inputLimitHit(input.inputLimits?.get(offering.dialect), request.inputs);
  if (limit !== undefined)
    return { reason: `${limit.param}: ${limit.reason}`, kind: "input", param: limit.param };
  const betas = request.betas;
  const betaCloud = betas === undefined ? undefined : betaCloudOf(provider.kind, offering);
  if (betas !== undefined) {
    const missing = missingNeededBeta(betas, betaCloud, request);
    if (missing !== undefined)
      return {
        reason: `anthropic-beta ${missing.flag}: ${missing.reason}, which ${provider.id} does not take`,
        kind: "input",
        param: "anthropic-beta",
      };
  }
  // The price in force at the plan's instant, as the ledger will bill it.
  const price = priceAt(offering, now);
  const { input: maxInput, output: maxOutput } = policy.maxPrice;
  if (maxInput !== undefined || maxOutput !== undefined) {
    if (price === undefined) return ineligible("no price in the catalog, and the tenant sets max_price");
    if (maxInput !== undefined && price.input > maxInput)
      return ineligible(`input price $${price.input}/1M is over max_price $${maxInput}/1M`);
    if (maxOutput !== undefined && price.output > maxOutput)
      return ineligible(`output price $${price.output}/1M is over max_price $${maxOutput}/1M`);
  }
  // `context-1m-2025-08-07`, sent and taken, opens the 1M window.
  const contextWindow = contextWindowWith(offering.contextWindow, betas, betaCloud);
  if (
    request.promptTokens !== undefined &&
    contextWindow !== undefined &&
    request.promptTokens > contextWindow
  )
    return ineligible(
      `prompt of ${request.promptTokens} tokens exceeds the context window of ${contextWindow}`,
    );
  const health = input.health.of(offering.id, now, request.stream ? "stream" : "whole");
  if (health?.state === "open" && health.openUntil !== undefined && health.openUntil > now) {
    const until = formatTime(health.openUntil, now);
    return {
      reason: health.streamsOnly
        ? `circuit open for streams until ${until} (its streams broke after the first byte)`
        : `circuit open until ${until}`,
      kind: "circuit",
      until: health.openUntil,
    };
  }
  return { health, availability, price };
}

function order(eligible: Eligible[], strategy: Strategy, input: PlanInput, model: string): Candidate[] {
  const byPosition = (a: Eligible, b: Eligible): number => a.offering.position - b.offering.position;
  const candidate = (item: Eligible, reason: string): Candidate => ({
    offering: item.offering,
    provider: item.provider,
    reason: item.health?.state === "half-open" ? `${reason} (half-open probe)` : reason,
    expectedCostUsd: item.cost,
  });
  const costOf = (item: Eligible): number => item.cost ?? Infinity;
  switch (strategy) {
    case "preferred":
    case "pinned": {
      const tenantRank = (item: Eligible): number => {
        const rank = input.policy.order.indexOf(item.provider.id);
        return rank === -1 ? Infinity : rank;
      };
      const sorted = [...eligible].sort(
        (a, b) =>
          Number(b.preferredChannel) - Number(a.preferredChannel) ||
          compare(tenantRank(a), tenantRank(b)) ||
          compare(costOf(a), costOf(b)) ||
          byPosition(a, b),
      );
      const pin = input.policy.pins.get(model);
      if (strategy === "pinned" && pin !== undefined) {
        // The pinned offering first; `planRequest` keeps only the first and says why the rest are out.
        const pinned = sorted.filter((item) => item.provider.id === pin);
        const rest = sorted.filter((item) => item.provider.id !== pin);
        return [
          ...pinned.map((item) => candidate(item, `pinned to ${pin} by the tenant's policy`)),
          ...rest.map((item) => candidate(item, "not pinned")),
        ];
      }
      return sorted.map((item) => {
        const rank = tenantRank(item);
        const why = item.preferredChannel
          ? item.availability
          : rank !== Infinity
            ? `tenant order #${rank + 1}`
            : item.cost !== undefined
              ? `by price, est. ${formatUsd(item.cost)}`
              : "configuration order";
        return candidate(
          item,
          strategy === "pinned" ? `pinned: top preferred offering (${why})` : `preferred: ${why}`,
        );
      });
    }
    case "cheapest":
      return [...eligible]
        .sort((a, b) => compare(costOf(a), costOf(b)) || byPosition(a, b))
        .map((item) =>
          candidate(
            item,
            item.cost === undefined
              ? "cheapest: no price in the catalog"
              : `cheapest: est. ${formatUsd(item.cost)} for this request`,
          ),
        );
    case "fastest": {
      const speed = (item: Eligible): number | undefined =>
        input.request.stream ? (item.health?.ttftMs ?? item.health?.latencyMs) : item.health?.latencyMs;
      return [...eligible]
        .sort((a, b) => compare(speed(a) ?? Infinity, speed(b) ?? Infinity) || byPosition(a, b))
        .map((item) => {
          const ms = speed(item);
          const metric = input.request.stream ? "ttft" : "latency";
          return candidate(
            item,
            ms === undefined
              ? "fastest: no latency measured yet"
              : `fastest: ${metric} ${Math.round(ms)} ms (ewma)`,
          );
        });
    }
    case "balanced":
      return balanced(eligible, input).map(({ item, score }) =>
        candidate(item, `balanced: score ${score.toFixed(2)} (lower is better)`),
      );
    case "weighted":
      return weighted(eligible, input).map(({ item, weight, drawn }) =>
        candidate(
          item,
          drawn ? `weighted: drawn with weight ${weight}` : `weighted: fallback, weight ${weight}`,
        ),
      );
  }
}

/**
 * `balanced`: each of price (expected cost), latency (EWMA; TTFT for streams) and error rate is
 * divided by the largest among the candidates, so each lies in [0, 1]; the score is their weighted
 * sum with the policy's weights normalised to sum to 1. An unmeasured latency or unknown price
 * counts as 0.5 (neither good nor bad). Lowest score first.
 */
function balanced(eligible: Eligible[], input: PlanInput): { item: Eligible; score: number }[] {
  const latency = (item: Eligible): number | undefined =>
    input.request.stream ? (item.health?.ttftMs ?? item.health?.latencyMs) : item.health?.latencyMs;
  const maxOf = (values: (number | undefined)[]): number =>
    Math.max(0, ...values.filter((value): value is number => value !== undefined));
  const maxCost = maxOf(eligible.map((item) => item.cost));
  const maxLatency = maxOf(eligible.map(latency));
  const maxErrors = maxOf(eligible.map((item) => item.health?.errorRate ?? 0));
  const { price, latency: latencyWeight, errors } = input.policy.balance;
  const total = price + latencyWeight + errors || 1;
  const normal = (value: number | undefined, max: number): number =>
    value === undefined ? 0.5 : max === 0 ? 0 : value / max;
  return eligible
    .map((item) => ({
      item,
      score:
        (price * normal(item.cost, maxCost) +
          latencyWeight * normal(latency(item), maxLatency) +
          errors * normal(item.health?.errorRate ?? 0, maxErrors)) /
        total,
    }))
    .sort((a, b) => compare(a.score, b.score) || a.item.offering.position - b.item.offering.position);
}

/**
 * `weighted`: the first candidate is drawn with probability proportional to its provider's weight
 * (1 when the policy names none); the rest follow by weight, then configuration order.
 */
function weighted(
  eligible: Eligible[],
  input: PlanInput,
): { item: Eligible; weight: number; drawn: boolean }[] {
  const weights = input.policy.weights;
  const weightOf = (item: Eligible): number =>
    weights.size === 0 ? 1 : (weights.get(item.provider.id) ?? 0);
  const sorted = [...eligible].sort(
    (a, b) => weightOf(b) - weightOf(a) || a.offering.position - b.offering.position,
  );
  const total = sorted.reduce((sum, item) => sum + weightOf(item), 0);
  let drawnIndex = 0;
  if (total > 0) {
    let remaining = input.random * total;
    drawnIndex = sorted.findIndex((item) => (remaining -= weightOf(item)) < 0);
    if (drawnIndex === -1) drawnIndex = sorted.length - 1;
  }
  const drawn = sorted[drawnIndex];
  const rest = sorted.filter((_, index) => index !== drawnIndex);
  return [
    ...(drawn === undefined ? [] : [{ item: drawn, weight: weightOf(drawn), drawn: true }]),
    ...rest.map((item) => ({ item, weight: weightOf(item), drawn: false })),
  ];
}

function compare(a: number, b: number): number {
  return a === b ? 0 : a < b ? -1 : 1;
}

/** Why a plan has no candidate, for the client: each excluded offering and its reason. */
export function explainEmptyPlan(plan: Plan): string {
  if (plan.excluded.length === 0) return `${plan.model}: no provider offers this model`;
  const reasons = plan.excluded.map((exclusion) => `${exclusion.offering.provider}: ${exclusion.reason}`);
  return `${plan.model}: no offering is eligible for this request (${reasons.join("; ")})`;
}
