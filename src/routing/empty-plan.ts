import { GatewayError } from "../errors/gateway-error.js";
import type { Exclusion, Plan } from "./plan.js";
import { explainEmptyPlan } from "./planner.js";

/**
 * The client's error for a plan with no candidate, chosen by what could change the outcome:
 * - an open circuit: a 503 with Retry-After, the time the first circuit closes (the same request then may pass);
 * - an `x-switchyard-*` header left nothing: a 400 naming the header (retrying the same request never helps);
 * - the request's inputs fit no offering's dialect: the 400 naming the field;
 * - the tenant's boundary leaves out every offering: a 403;
 * - anything else (availability, capabilities, prices): a 503 as before.
 */
export function emptyPlanError(plan: Plan, now: number): GatewayError {
  const message = explainEmptyPlan(plan);
  const excluded = plan.excluded;
  const circuits = excluded.filter((exclusion) => exclusion.kind === "circuit");
  if (circuits.length > 0) {
    const until = Math.min(...circuits.map((exclusion) => exclusion.until ?? now));
    return new GatewayError("no_offering_available", message, {
      param: "model",
      retryAfterSeconds: retryAfterSeconds(until, now),
    });
  }
  const override = first(excluded, "override");
  if (override !== undefined)
    return new GatewayError("no_offering_in_overrides", message, { param: override.param ?? "model" });
  const input = first(excluded, "input");
  if (input !== undefined)
    return new GatewayError(
      "unsupported_parameter",
      `${plan.model}: no eligible offering can take this request; ${input.reason}`,
      { param: input.param ?? "messages" },
    );
  if (excluded.length > 0 && excluded.every((exclusion) => exclusion.kind === "boundary"))
    return new GatewayError("no_offering_in_boundary", message, { param: "model" });
  return new GatewayError("no_offering_available", message, { param: "model" });
}

/** Whole seconds until `until`, at least 1 (a `Retry-After: 0` invites a retry storm). */
export function retryAfterSeconds(until: number, now: number): number {
  return Math.max(1, Math.ceil((until - now) / 1000));
}

function first(excluded: readonly Exclusion[], kind: Exclusion["kind"]): Exclusion | undefined {
  return excluded.find((exclusion) => exclusion.kind === kind);
}
