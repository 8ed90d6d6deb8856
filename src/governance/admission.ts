import type { KeyConfig } from "../config/types.js";
import type { Plan } from "../routing/plan.js";

/** What the admit step knows about a request once it is planned, before any upstream call. */
export interface AdmissionRequest {
  readonly requestId: string;
  readonly key: KeyConfig;
  readonly plan: Plan;
  /** The prompt's size, when it was counted (a cost-ranking strategy, or governance asked for it). */
  readonly promptTokens: number | undefined;
  /** The answer's bound: the request's `max_tokens`, when it set one. */
  readonly maxOutputTokens: number | undefined;
}

/**
 * The pipeline's admit step: budgets and rate limits decide here whether a request may go upstream,
 * throwing a GatewayError (429 `budget_exceeded`, `rate_limited`…) when it may not. What it reserves
 * is settled from the request report at the finish point, where a subscriber sees the real cost.
 * It returns response headers to add (`x-ratelimit-*`), or nothing; a promise only when it must wait
 * on a shared store.
 */
export interface Admission {
  admit(request: AdmissionRequest): readonly string[] | undefined | Promise<readonly string[] | undefined>;
}

/** Admits everything: no budgets or limits are configured. */
export const openAdmission: Admission = { admit: () => undefined };
