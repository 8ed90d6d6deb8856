import type { BudgetRule, RateLimits } from "../config/types.js";
import { GatewayError } from "../errors/gateway-error.js";
import { budgetWindow } from "./budget-window.js";
import {
  fromNanos,
  type BucketCharge,
  type BucketState,
  type BudgetCharge,
  type BudgetState,
} from "./counters.js";

/*
 * What the governor tells a client: OpenAI's rate-limit headers on every answer of a limited key, and
 * the 429s — `rate_limit_exceeded` and `budget_exceeded` — saying which limit or budget, how much, and
 * when it is back.
 */

/** Who a limit or budget belongs to, for ids and messages. */
export interface Scope {
  readonly kind: "key" | "tenant";
  readonly id: string;
  /** `key "ci-bot"`, `tenant "acme"`. */
  readonly label: string;
  readonly limits: RateLimits;
  readonly budgets: readonly BudgetRule[];
}

/**
 * OpenAI's rate-limit headers, for the most constrained bucket of each unit (requests, tokens): the
 * limit, what remains, and the time until the bucket is full again (`1s`, `6m0s`).
 */
export function rateLimitHeaders(
  buckets: readonly (BucketCharge & { unit: "requests" | "tokens" })[],
  states: readonly BucketState[],
): string[] {
  const headers: string[] = [];
  for (const unit of ["requests", "tokens"] as const) {
    let tightest: { bucket: BucketCharge; state: BucketState } | undefined;
    buckets.forEach((bucket, index) => {
      const state = states[index];
      if (bucket.unit !== unit || state === undefined) return;
      if (
        tightest === undefined ||
        state.remaining / bucket.capacity < tightest.state.remaining / tightest.bucket.capacity
      )
        tightest = { bucket, state };
    });
    if (tightest === undefined) continue;
    headers.push(
      `x-ratelimit-limit-${unit}`,
      String(tightest.bucket.capacity),
      `x-ratelimit-remaining-${unit}`,
      String(Math.max(0, Math.floor(tightest.state.remaining))),
      `x-ratelimit-reset-${unit}`,
      formatReset(tightest.state.resetMs),
    );
  }
  return headers;
}

/** Go's duration spelling, as OpenAI sends it: `20ms`, `1s`, `1.5s`, `6m0s`. */
export function formatReset(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.ceil(ms))}ms`;
  const totalSeconds = Math.ceil(ms / 10) / 100;
  const minutes = Math.floor(totalSeconds / 60);
  const seconds = Number((totalSeconds - minutes * 60).toFixed(2));
  return minutes === 0 ? `${seconds}s` : `${minutes}m${seconds}s`;
}

export function rateLimited(
  bucket: (BucketCharge & { unit: "requests" | "tokens"; scope: Scope }) | undefined,
  state: BucketState | undefined,
  retryAfterMs: number | undefined,
  headers: string[],
): GatewayError {
  const unit = bucket?.unit === "tokens" ? "tokens per minute (TPM)" : "requests per minute (RPM)";
  const scope = bucket?.scope.label ?? "this key";
  const limit = bucket?.capacity ?? 0;
  // OpenAI's 429 names the unit that ran out as the error's type.
  const type = bucket?.unit ?? "requests";
  if (retryAfterMs === undefined || !Number.isFinite(retryAfterMs))
    return new GatewayError(
      "rate_limit_exceeded",
      `Request too large for ${scope} on ${unit}: Limit ${limit}, Requested ${bucket?.take ?? 0}. Send a smaller request.`,
      { type, headers },
    );
  const used = Math.max(0, limit - Math.floor(state?.remaining ?? 0));
  return new GatewayError(
    "rate_limit_exceeded",
    `Rate limit reached for ${scope} on ${unit}: Limit ${limit}, Used ${used}, Requested ${bucket?.take ?? 1}. Please try again in ${formatReset(retryAfterMs)}.`,
    { type, headers, retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)) },
  );
}

export function budgetExceeded(
  budget: BudgetCharge & { rule: BudgetRule; scope: Scope },
  state: BudgetState,
  reserveNanos: number,
  at: number,
  headers: string[],
): GatewayError {
  const window = budgetWindow(budget.rule.period, at);
  const resets =
    window.end === undefined
      ? "It is a lifetime budget and does not reset."
      : `It resets at ${new Date(window.end).toISOString()}.`;
  const usd = (nanos: number): string =>
    `$${fromNanos(nanos)
      .toFixed(6)
      .replace(/0{1,4}$/, "")}`;
  // A refusal still carries the rate-limit headers, as OpenAI's 429s do.
  return new GatewayError(
    "budget_exceeded",
    `The ${budget.rule.period} budget of ${budget.scope.label} (${usd(budget.limitNanos)}) cannot take this request: ` +
      `${usd(state.spentNanos)} spent and ${usd(state.reservedNanos)} reserved by requests in flight, ` +
      `and this request may cost up to ${usd(reserveNanos)} (a lower max_tokens lowers that bound). ${resets}`,
    { headers },
  );
}
