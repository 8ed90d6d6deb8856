import type { OfferingConfig, PolicyConfig, ProviderConfig, Strategy } from "../config/types.js";

/** One offering the executor may try, and why it is in the plan at this position. */
export interface Candidate {
  readonly offering: OfferingConfig;
  readonly provider: ProviderConfig;
  readonly reason: string;
  /** Upper bound of this request's cost on the offering (USD), when the offering has a price. */
  readonly expectedCostUsd: number | undefined;
}

/**
 * What kind of reason leaves an offering out; it decides the client's error when nothing is left:
 * - `boundary`: the tenant's allowed providers and regions (a 403: no retry changes it);
 * - `override`: an `x-switchyard-*` header narrowed it away (a 400 naming the header);
 * - `input`: the offering's dialect cannot carry part of the request (a 400 naming the field);
 * - `circuit`: its breaker is open (a 503 with Retry-After: the time the first circuit closes);
 * - `ineligible`: availability, a capability, the price ceiling, the context window, a pin.
 */
export type ExclusionKind = "boundary" | "override" | "input" | "circuit" | "ineligible";

/** An offering of the model that the plan leaves out, and why. */
export interface Exclusion {
  readonly offering: OfferingConfig;
  readonly reason: string;
  /** Whether the reason is the tenant's boundary (providers, regions): never crossed, even in fallback. */
  readonly boundary: boolean;
  readonly kind: ExclusionKind;
  /** `override`: the header; `input`: the request field the offering cannot take. */
  readonly param?: string;
  /** `circuit`: the epoch ms its circuit half-opens. */
  readonly until?: number;
}

/** The ordered candidates for one request. Pure data: the planner never does I/O. */
export interface Plan {
  readonly model: string;
  readonly strategy: Strategy;
  /** Epoch ms the plan was made for. */
  readonly at: number;
  readonly candidates: readonly Candidate[];
  readonly excluded: readonly Exclusion[];
  /** How the executor walks the candidates: the tenant's retries and timeouts. */
  readonly policy: Pick<PolicyConfig, "retries" | "timeouts">;
}
