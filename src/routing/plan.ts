import type { OfferingConfig, PolicyConfig, ProviderConfig, Strategy } from "../config/types.js";

/** One offering the executor may try, and why it is in the plan at this position. */
export interface Candidate {
  readonly offering: OfferingConfig;
  readonly provider: ProviderConfig;
  readonly reason: string;
  /** Upper bound of this request's cost on the offering (USD), when the offering has a price. */
  readonly expectedCostUsd: number | undefined;
}

/** An offering of the model that the plan leaves out, and why. */
export interface Exclusion {
  readonly offering: OfferingConfig;
  readonly reason: string;
  /** Whether the reason is the tenant's boundary (providers, regions): never crossed, even in fallback. */
  readonly boundary: boolean;
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
