import type { Capability, GatewayConfig, OfferingConfig, ProviderConfig } from "../config/types.js";

/** One offering the executor may try, and why it is in the plan. */
export interface Candidate {
  readonly offering: OfferingConfig;
  readonly provider: ProviderConfig;
  readonly reason: string;
}

/** An offering of the model that the plan leaves out, and why. */
export interface Exclusion {
  readonly offering: OfferingConfig;
  readonly reason: string;
}

/** The ordered candidates for one request. Pure data: the planner never does I/O. */
export interface Plan {
  readonly model: string;
  readonly candidates: readonly Candidate[];
  readonly excluded: readonly Exclusion[];
}

/** What the planner needs to know about a request. */
export interface RequestFeatures {
  readonly model: string;
  readonly capabilities: readonly Capability[];
}

/**
 * The basic planner: a model's offerings in configuration order. The full planner (agreements,
 * strategies, regions, health) replaces this function behind the same `Plan` type.
 * Plans for the same inputs are the same objects: they are built once per model.
 */
export class ConfigOrderPlanner {
  readonly #plans = new Map<string, Plan>();

  constructor(config: GatewayConfig) {
    for (const model of config.models.keys()) {
      const candidates: Candidate[] = [];
      config.offerings.forEach((offering) => {
        if (offering.model !== model) return;
        const provider = config.providers.get(offering.provider);
        if (provider === undefined) return;
        const position = candidates.length + 1;
        candidates.push({
          offering,
          provider,
          reason:
            position === 1
              ? "first in configuration order"
              : `fallback #${position - 1} in configuration order`,
        });
      });
      this.#plans.set(model, Object.freeze({ model, candidates, excluded: [] }));
    }
  }

  /** The plan for a request, or undefined for a model the catalog does not know. */
  plan(features: RequestFeatures): Plan | undefined {
    return this.#plans.get(features.model);
  }
}
