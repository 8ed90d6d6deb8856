import {
  msUntilFull,
  msUntilHolds,
  refilled,
  type BucketState,
  type BudgetState,
  type ChargeRequest,
  type ChargeResult,
  type CounterStore,
  type Settlement,
} from "./counters.js";

interface Bucket {
  level: number;
  changedAt: number;
}

interface Budget {
  spentNanos: number;
  reservedNanos: number;
  expiresAt: number | undefined;
}

/**
 * The counters of one gateway process: exact, synchronous, no I/O. Expired budget windows and full
 * buckets are swept now and then, so memory follows the keys in use, not every key ever seen.
 */
export class MemoryCounters implements CounterStore {
  readonly kind = "memory";
  readonly #buckets = new Map<string, Bucket>();
  readonly #budgets = new Map<string, Budget>();
  readonly #clock: () => number;
  #nextSweep = 0;

  constructor(clock: () => number = Date.now) {
    this.#clock = clock;
  }

  charge(request: ChargeRequest): ChargeResult {
    const now = this.#clock();
    this.#sweep(now);
    const unseeded: number[] = [];
    request.budgets.forEach((charge, index) => {
      if (!this.#budgets.has(charge.id)) unseeded.push(index);
    });
    if (unseeded.length > 0) return { outcome: "unseeded", budgets: unseeded };

    const levels = request.buckets.map((charge) => {
      const bucket = this.#buckets.get(charge.id);
      return bucket === undefined
        ? charge.capacity
        : refilled(bucket.level, bucket.changedAt, now, charge.capacity, charge.periodMs);
    });
    let refusedBucket: { index: number; retryAfterMs: number } | undefined;
    request.buckets.forEach((charge, index) => {
      const level = levels[index] ?? charge.capacity;
      if (refusedBucket === undefined && level < charge.take)
        refusedBucket = {
          index,
          retryAfterMs: retryAfter(level, charge.take, charge.capacity, charge.periodMs),
        };
    });
    let refusedBudget: { index: number } | undefined;
    const budgets = request.budgets.map((charge) => this.#budgets.get(charge.id) as Budget);
    request.budgets.forEach((charge, index) => {
      const budget = budgets[index] as Budget;
      if (
        refusedBudget === undefined &&
        charge.hard &&
        budget.spentNanos + budget.reservedNanos + charge.reserveNanos > charge.limitNanos
      )
        refusedBudget = { index };
    });

    if (refusedBucket !== undefined || refusedBudget !== undefined) {
      return {
        outcome: "refused",
        bucket: refusedBucket,
        budget: refusedBudget,
        buckets: request.buckets.map((charge, index) => {
          const level = levels[index] ?? charge.capacity;
          return { remaining: level, resetMs: msUntilFull(level, charge.capacity, charge.periodMs) };
        }),
        budgets: budgets.map(stateOf),
      };
    }

    const bucketStates: BucketState[] = request.buckets.map((charge, index) => {
      const level = (levels[index] ?? charge.capacity) - charge.take;
      this.#buckets.set(charge.id, { level, changedAt: now });
      return { remaining: level, resetMs: msUntilFull(level, charge.capacity, charge.periodMs) };
    });
    request.budgets.forEach((charge, index) => {
      (budgets[index] as Budget).reservedNanos += charge.reserveNanos;
    });
    return { outcome: "admitted", buckets: bucketStates, budgets: budgets.map(stateOf) };
  }

  settle(settlement: Settlement): void {
    const now = this.#clock();
    for (const change of settlement.buckets) {
      const bucket = this.#buckets.get(change.id);
      const level =
        bucket === undefined
          ? change.capacity
          : refilled(bucket.level, bucket.changedAt, now, change.capacity, change.periodMs);
      this.#buckets.set(change.id, { level: Math.min(change.capacity, level + change.give), changedAt: now });
    }
    for (const change of settlement.budgets) {
      const budget = this.#budgets.get(change.id);
      // A window with no counter (it ended and was swept) is not recreated, as on Redis: a counter made
      // of one request's spend would keep the next seed from reading the window's whole spend from the ledger.
      if (budget === undefined) continue;
      budget.reservedNanos = Math.max(0, budget.reservedNanos - change.releaseNanos);
      budget.spentNanos += change.spendNanos;
    }
  }

  seedBudget(id: string, spentNanos: number, expiresAt: number | undefined): void {
    if (!this.#budgets.has(id)) this.#budgets.set(id, { spentNanos, reservedNanos: 0, expiresAt });
  }

  budgetStates(ids: readonly string[]): (BudgetState | undefined)[] {
    return ids.map((id) => {
      const budget = this.#budgets.get(id);
      return budget === undefined ? undefined : stateOf(budget);
    });
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  /** Once a minute: drop budget windows that ended and buckets that have refilled completely. */
  #sweep(now: number): void {
    if (now < this.#nextSweep) return;
    this.#nextSweep = now + 60_000;
    for (const [id, budget] of this.#budgets)
      if (budget.expiresAt !== undefined && budget.expiresAt <= now && budget.reservedNanos === 0)
        this.#budgets.delete(id);
    // A bucket untouched for a day is full for any period up to a day: forgetting it changes nothing.
    for (const [id, bucket] of this.#buckets)
      if (now - bucket.changedAt > 86_400_000) this.#buckets.delete(id);
  }
}

function stateOf(budget: Budget): BudgetState {
  return { spentNanos: budget.spentNanos, reservedNanos: budget.reservedNanos };
}

/** A take larger than the capacity never fits: the caller says so rather than asking to wait forever. */
function retryAfter(level: number, take: number, capacity: number, periodMs: number): number {
  return take > capacity ? Infinity : msUntilHolds(level, take, capacity, periodMs);
}
