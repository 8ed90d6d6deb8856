/*
 * The counters behind rate limits and budgets, as one small interface with two implementations:
 * in process (memory-counters.ts) and shared across replicas through Redis (redis-counters.ts). Both
 * pass the same contract suite (counters.contract.ts), so the admission logic above them never knows
 * which one it runs on.
 *
 * Money is counted in integer nano-dollars (1e-9 USD): exact under addition in any order, so the
 * settled spend of a budget equals the sum of the ledger's costs converted the same way (`toNanos`).
 */

/**
 * A rate limit as a token bucket: `capacity` units, refilled continuously at `capacity` per
 * `periodMs`, full when first seen. OpenAI's limits behave so: `x-ratelimit-reset-*` is the time
 * until the bucket is full again.
 */
export interface BucketCharge {
  /** Names the bucket, e.g. `rl:key:key_ab12:requests`. */
  readonly id: string;
  readonly capacity: number;
  readonly periodMs: number;
  /** Units to take now: 1 for a request, the prompt's tokens for a token limit. */
  readonly take: number;
}

/** A budget window: what has been settled and what is reserved in it, against its limit. */
export interface BudgetCharge {
  /** Names the budget and its window, e.g. `budget:tenant:acme:month:2026-12`. */
  readonly id: string;
  readonly limitNanos: number;
  /** The request's bounded expected cost. */
  readonly reserveNanos: number;
  /** A soft budget never refuses: it is reserved and reported, and the caller warns. */
  readonly hard: boolean;
  /** When the window ends (epoch ms): a store may forget the counter after it; undefined for lifetime. */
  readonly expiresAt: number | undefined;
}

export interface ChargeRequest {
  readonly buckets: readonly BucketCharge[];
  readonly budgets: readonly BudgetCharge[];
}

export interface BucketState {
  /** Units left after this charge (may be negative after settling more usage than was counted). */
  readonly remaining: number;
  /** Milliseconds until the bucket is full again. */
  readonly resetMs: number;
}

export interface BudgetState {
  readonly spentNanos: number;
  /** Reserved by requests in flight, this one included when it was admitted. */
  readonly reservedNanos: number;
}

/**
 * A charge is all or nothing: when any bucket or hard budget refuses, nothing is taken anywhere.
 * `unseeded` lists budgets whose window has no counter yet (a new window, a store that lost its
 * keys): the caller seeds them from the ledger with `seedBudget` and charges again.
 */
export type ChargeResult =
  | {
      readonly outcome: "admitted";
      readonly buckets: readonly BucketState[];
      readonly budgets: readonly BudgetState[];
    }
  | {
      readonly outcome: "refused";
      /** The first bucket (by index) that has too few units, and when it will have enough. */
      readonly bucket: { readonly index: number; readonly retryAfterMs: number } | undefined;
      /** The first hard budget (by index) that cannot take the reservation. */
      readonly budget: { readonly index: number } | undefined;
      readonly buckets: readonly BucketState[];
      readonly budgets: readonly BudgetState[];
    }
  | { readonly outcome: "unseeded"; readonly budgets: readonly number[] };

/** What a request's finish gives back or takes: its real usage and cost against what was charged. */
export interface Settlement {
  /** `give` units back to each bucket (negative: take more, the real usage exceeded the estimate). */
  readonly buckets: readonly {
    readonly id: string;
    readonly capacity: number;
    readonly periodMs: number;
    readonly give: number;
  }[];
  /** Release the reservation and add the real cost to the spend. */
  readonly budgets: readonly {
    readonly id: string;
    readonly releaseNanos: number;
    readonly spendNanos: number;
    readonly expiresAt: number | undefined;
  }[];
}

export interface CounterStore {
  /** `memory` or `redis`, for logs and the bench. */
  readonly kind: string;
  charge(request: ChargeRequest): ChargeResult | Promise<ChargeResult>;
  settle(settlement: Settlement): void | Promise<void>;
  /** Sets a budget window's settled spend if it has no counter yet (what the ledger holds for it). */
  seedBudget(id: string, spentNanos: number, expiresAt: number | undefined): void | Promise<void>;
  /** The budgets' current state (for `/admin/keys/{id}`), or undefined for windows with no counter. */
  budgetStates(ids: readonly string[]): (BudgetState | undefined)[] | Promise<(BudgetState | undefined)[]>;
  close(): Promise<void>;
}

/** USD as integer nano-dollars, the counters' unit. */
export function toNanos(usd: number): number {
  return Math.round(usd * 1e9);
}

export function fromNanos(nanos: number): number {
  return nanos / 1e9;
}

/**
 * A token bucket's level at `now`, given its level and time of the last change: the refill is
 * continuous, capped at capacity. Shared by both stores (the Redis script does the same arithmetic).
 */
export function refilled(
  level: number,
  changedAt: number,
  now: number,
  capacity: number,
  periodMs: number,
): number {
  const elapsed = Math.max(0, now - changedAt);
  return Math.min(capacity, level + (elapsed * capacity) / periodMs);
}

/** Milliseconds until a bucket at `level` is full. */
export function msUntilFull(level: number, capacity: number, periodMs: number): number {
  return level >= capacity ? 0 : Math.ceil(((capacity - level) * periodMs) / capacity);
}

/** Milliseconds until a bucket at `level` holds `take` units. */
export function msUntilHolds(level: number, take: number, capacity: number, periodMs: number): number {
  return level >= take ? 0 : Math.ceil(((take - level) * periodMs) / capacity);
}
