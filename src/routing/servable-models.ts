import type { PolicyConfig } from "../config/types.js";
import { noHealth } from "../health/health-view.js";
import { planRequest, type PlannerCatalog } from "./planner.js";

/**
 * The models a tenant could be routed to at `now`: those whose plan, for a request that needs nothing
 * special, has a candidate — its own offerings or a fallback model's, inside the tenant's boundary,
 * available under the agreements in force, within `max_price`. It is the planner's own answer, so the
 * model list never promises what a request would then refuse. Circuits are left out on purpose: an
 * open circuit passes within seconds, and a model list that flickers with health would mislead more.
 */
export function servableModels(catalog: PlannerCatalog, policy: PolicyConfig, now: number): Set<string> {
  const servable = new Set<string>();
  for (const model of catalog.models.keys()) {
    const plan = planRequest({
      catalog,
      policy,
      overrides: {},
      health: noHealth,
      request: {
        model,
        capabilities: [],
        stream: false,
        promptTokens: undefined,
        maxOutputTokens: undefined,
      },
      now,
      random: 0,
    });
    if (plan.candidates.length > 0) servable.add(model);
  }
  return servable;
}
