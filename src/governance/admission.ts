import type { KeyConfig } from "../config/types.js";
import type { RequestReport } from "../core/request-report.js";
import type { Plan } from "../routing/plan.js";

/** What the admit step knows about a request once it is planned, before any upstream call. */
export interface AdmissionRequest {
  readonly requestId: string;
  readonly key: KeyConfig;
  readonly plan: Plan;
  /** Epoch milliseconds the request started: the budget windows it counts in. */
  readonly startedAt: number;
  /** Counts the prompt's tokens (a promise only while the tokenizer loads): asked for only when a limit needs it. */
  countPromptTokens(): number | Promise<number>;
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

/** An admission that settles what it reserved from each request's report (see governor.ts). */
export interface SettlingAdmission extends Admission {
  settle(report: RequestReport): void;
}
