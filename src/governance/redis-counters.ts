import type { Redis } from "ioredis";
import { reasonOf } from "../store/store-unavailable-error.js";
import {
  RedisUnavailableError,
  closeRedis,
  connectRedis,
  createRedis,
  neverSent,
  redisTarget,
} from "../store/redis/redis-connection.js";
import {
  msUntilFull,
  msUntilHolds,
  type BudgetState,
  type ChargeRequest,
  type ChargeResult,
  type CounterStore,
  type Settlement,
} from "./counters.js";
import { chargeScript, seedScript, settleScript } from "./redis-counter-scripts.js";

export interface RedisCountersOptions {
  /** `redis://[user:password@]host:port[/db]` or `rediss://…`. */
  readonly url: string;
  /** Prepended to every key; default `switchyard:`. */
  readonly keyPrefix?: string | undefined;
  /** How long one call may take before it fails with RedisUnavailableError; default 50 ms. */
  readonly timeoutMs?: number | undefined;
}

export interface RedisCountersDependencies {
  /** Loud, rare lines for the log: an outage, dropped settlements, the recovery. */
  readonly onWarning?: ((message: string) => void) | undefined;
  /** Settlements kept while Redis is down; beyond it they are dropped and counted. Default 10,000. */
  readonly maxQueuedSettlements?: number | undefined;
}

export interface RedisCountersStats {
  /** Settlements waiting for Redis to come back. */
  readonly queued: number;
  /** Settlements that did not fit the queue: their spend and releases are lost. */
  readonly dropped: number;
  /** Calls that failed or timed out (each one a RedisUnavailableError to its caller, or a queued settle). */
  readonly failures: number;
  /** Queued settlements applied after a recovery. */
  readonly replayed: number;
  /** Charges admitted after their caller had given up on them, settled back. */
  readonly compensated: number;
  /** Settlements in flight when the connection dropped: applied or not, unknown; never sent twice. */
  readonly uncertain: number;
}

export const defaultKeyPrefix = "switchyard:";
export const defaultTimeoutMs = 250;
/** A budget window's counter outlives the window by this much, so late settlements still find it. */
export const budgetExpiryMarginMs = 3_600_000;
const replayBatch = 200;

type Reply = readonly (string | number)[];
interface ScriptCommands {
  switchyardCharge(numberOfKeys: number, ...keysAndArgs: string[]): Promise<Reply>;
  switchyardSettle(numberOfKeys: number, ...keysAndArgs: string[]): Promise<number>;
  switchyardSeed(key: string, spent: string, expireAt: string): Promise<number>;
}

/**
 * Rate-limit buckets and budget windows shared by every replica through one Redis: each charge and
 * each settlement is one Lua script (EVALSHA), atomic over all its keys, so two replicas charging the
 * same limit at once take exactly its capacity between them. Behaves as MemoryCounters (the contract
 * suite runs on both), with one deliberate difference: settling a window that has no counter does not
 * create one (see settleScript).
 *
 * When Redis is slow or down a charge fails with RedisUnavailableError within `timeoutMs` (the caller
 * applies its fail-open or fail-closed mode); an answer that comes after that and admitted is settled
 * back, so a timeout never keeps units or reservations. Settlements made while Redis is down wait in
 * a bounded queue and are replayed in order when the connection is ready again.
 */
export class RedisCounters implements CounterStore {
  readonly kind = "redis";
  readonly #redis: Redis;
  readonly #scripts: ScriptCommands;
  readonly #prefix: string;
  readonly #timeoutMs: number;
  readonly #target: string;
  readonly #warn: (message: string) => void;
  readonly #maxQueued: number;
  readonly #queue: Settlement[] = [];
  /** Settlements waiting for this turn of the event loop to end (see `settle`), and their callers. */
  readonly #pending: Settlement[] = [];
  readonly #settled: (() => void)[] = [];
  #replaying = false;
  /** Settlements of the batch being replayed now, sent and not answered yet. */
  #replayingBatch = 0;
  #closed = false;
  /** The last connection error, for the messages of calls refused while down. */
  #lastReason = "not connected";
  /** One warning per outage, not one per failed call. */
  #outage = false;
  #wasReady = false;
  #dropped = 0;
  #failures = 0;
  #replayed = 0;
  #compensated = 0;
  #uncertain = 0;

  /** Connects to Redis, or fails with a one-line RedisUnavailableError (host:port and why). */
  static async connect(
    options: RedisCountersOptions,
    dependencies: RedisCountersDependencies = {},
    /** `false`: a Redis that is down now is a warning, and the connection keeps trying (fail-open). */
    required = true,
  ): Promise<RedisCounters> {
    const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
    const redis = createRedis(options.url, {
      role: "counters",
      // A server that answers nothing for this long is treated as gone: the calls in flight fail.
      socketTimeoutMs: Math.max(2_000, timeoutMs * 20),
    });
    const counters = new RedisCounters(redis, options, dependencies);
    try {
      await connectRedis(redis, options.url, !required);
    } catch (error) {
      if (required) throw error;
      dependencies.onWarning?.(
        `${error instanceof Error ? error.message : String(error)}; serving without shared limits until it answers`,
      );
    }
    return counters;
  }

  private constructor(redis: Redis, options: RedisCountersOptions, dependencies: RedisCountersDependencies) {
    this.#redis = redis;
    this.#prefix = options.keyPrefix ?? defaultKeyPrefix;
    this.#timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
    this.#target = redisTarget(options.url);
    this.#warn = dependencies.onWarning ?? (() => undefined);
    this.#maxQueued = dependencies.maxQueuedSettlements ?? 10_000;
    redis.defineCommand("switchyardCharge", { lua: chargeScript });
    redis.defineCommand("switchyardSettle", { lua: settleScript });
    redis.defineCommand("switchyardSeed", { lua: seedScript, numberOfKeys: 1 });
    this.#scripts = redis as unknown as ScriptCommands;
    redis.on("error", (error: unknown) => {
      this.#lastReason = reasonOf(error);
    });
    redis.on("close", () => this.#lost());
    redis.on("ready", () => this.#recovered());
  }

  /** Whether calls are being sent now (the connection is up and ready). */
  get available(): boolean {
    return this.#redis.status === "ready";
  }

  get stats(): RedisCountersStats {
    return {
      // A batch being replayed is still queued until its answers are in.
      queued: this.#queue.length + this.#replayingBatch,
      dropped: this.#dropped,
      failures: this.#failures,
      replayed: this.#replayed,
      compensated: this.#compensated,
      uncertain: this.#uncertain,
    };
  }

  async charge(request: ChargeRequest): Promise<ChargeResult> {
    if (request.buckets.length === 0 && request.budgets.length === 0)
      return { outcome: "admitted", buckets: [], budgets: [] };
    const keys: string[] = [];
    const args: string[] = [String(request.buckets.length)];
    for (const bucket of request.buckets) {
      keys.push(this.#bucketKey(bucket.id));
      args.push(String(bucket.capacity), String(bucket.periodMs), String(bucket.take));
    }
    for (const budget of request.budgets) {
      keys.push(this.#budgetKey(budget.id));
      args.push(
        String(budget.limitNanos),
        integer(budget.reserveNanos, "reserveNanos"),
        budget.hard ? "1" : "0",
      );
    }
    const reply = await this.#call(
      "charge",
      () => this.#scripts.switchyardCharge(keys.length, ...keys, ...args),
      (late) => {
        // The caller was told Redis did not answer; what this charge took goes back.
        if (late[0] !== "admitted") return;
        this.#compensated += 1;
        void this.settle({
          buckets: request.buckets.map((bucket) => ({ ...bucket, give: bucket.take })),
          budgets: request.budgets.map((budget) => ({
            id: budget.id,
            releaseNanos: budget.reserveNanos,
            spendNanos: 0,
            expiresAt: budget.expiresAt,
          })),
        });
      },
    );
    return parseCharge(reply, request);
  }

  /**
   * Never rejects: a settlement is applied, or queued while Redis is down (replayed on recovery), or
   * counted as dropped (queue full) or uncertain (in flight when the connection dropped).
   */
  async settle(settlement: Settlement): Promise<void> {
    if (settlement.buckets.length === 0 && settlement.budgets.length === 0) return;
    // Behind the queue, never before it: replays keep their order.
    if (this.#queue.length > 0 || this.#replaying || !this.available) {
      this.#enqueue(settlement);
      return;
    }
    // Coalesced: the settlements of every request that finished in this turn of the event loop go as one
    // script call, their deltas summed per bucket and budget (settlement is additive), so a busy gateway
    // pays one Redis call for many requests rather than one each.
    this.#pending.push(settlement);
    const applied = new Promise<void>((resolve) => this.#settled.push(resolve));
    if (this.#pending.length === 1) setImmediate(() => void this.#flush());
    return applied;
  }

  /** Sends the settlements gathered since the last flush as one, summed per bucket and budget. */
  async #flush(): Promise<void> {
    const pending = this.#pending.splice(0);
    const settled = this.#settled.splice(0);
    if (pending.length === 0) return;
    const merged = mergeSettlements(pending);
    if (this.#queue.length > 0 || this.#replaying || !this.available) this.#enqueue(merged);
    else if ((await this.#sendSettlement(merged)) === "unsent") this.#enqueue(merged);
    for (const resolve of settled) resolve();
  }

  async seedBudget(id: string, spentNanos: number, expiresAt: number | undefined): Promise<void> {
    const expireAt = expiresAt === undefined ? "0" : String(Math.ceil(expiresAt + budgetExpiryMarginMs));
    await this.#call("seed", () =>
      this.#scripts.switchyardSeed(this.#budgetKey(id), integer(spentNanos, "spentNanos"), expireAt),
    );
  }

  async budgetStates(ids: readonly string[]): Promise<(BudgetState | undefined)[]> {
    if (ids.length === 0) return [];
    const replies = await this.#call("budgetStates", async () => {
      const pipeline = this.#redis.pipeline();
      for (const id of ids) pipeline.hmget(this.#budgetKey(id), "spent", "reserved");
      const results = (await pipeline.exec()) ?? [];
      return results.map(([error, value]) => {
        if (error !== null) throw error;
        return value as (string | null)[];
      });
    });
    return replies.map(([spent, reserved]) =>
      spent === null || spent === undefined
        ? undefined
        : { spentNanos: Number(spent), reservedNanos: Number(reserved ?? 0) },
    );
  }

  /** Sends what is queued when Redis is up (best effort, bounded by the timeout), then disconnects. */
  async close(): Promise<void> {
    if (this.#closed) return;
    await this.#flush();
    if (this.#queue.length > 0 && this.available) await this.#replay();
    this.#closed = true;
    if (this.#queue.length > 0)
      this.#warn(
        `redis counters: closing with ${this.#queue.length} settlements never sent to ${this.#target}`,
      );
    await closeRedis(this.#redis);
  }

  /**
   * One call within the timeout. A call that fails or does not answer in time rejects with
   * RedisUnavailableError; an answer that arrives later goes to `late`.
   */
  #call<T>(what: string, send: () => Promise<T>, late?: (value: T) => void): Promise<T> {
    if (!this.available) {
      this.#failures += 1;
      return Promise.reject(new RedisUnavailableError(this.#target, `${what}: ${this.#lastReason}`));
    }
    const sent = send();
    return new Promise<T>((resolve, reject) => {
      let done = false;
      const timer = setTimeout(() => {
        done = true;
        this.#failures += 1;
        reject(new RedisUnavailableError(this.#target, `${what}: no answer within ${this.#timeoutMs} ms`));
      }, this.#timeoutMs);
      sent.then(
        (value) => {
          if (done) return late?.(value);
          done = true;
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          if (done) return;
          done = true;
          clearTimeout(timer);
          this.#failures += 1;
          reject(new RedisUnavailableError(this.#target, `${what}: ${reasonOf(error)}`, { cause: error }));
        },
      );
    });
  }

  /** No timeout here: a late answer is still an applied settlement, and none may be sent twice. */
  async #sendSettlement(settlement: Settlement): Promise<"applied" | "unsent" | "uncertain"> {
    const keys: string[] = [];
    const args: string[] = [String(settlement.buckets.length)];
    for (const bucket of settlement.buckets) {
      keys.push(this.#bucketKey(bucket.id));
      args.push(String(bucket.capacity), String(bucket.periodMs), String(bucket.give));
    }
    for (const budget of settlement.budgets) {
      keys.push(this.#budgetKey(budget.id));
      args.push(integer(-budget.releaseNanos, "releaseNanos"), integer(budget.spendNanos, "spendNanos"));
    }
    try {
      await this.#scripts.switchyardSettle(keys.length, ...keys, ...args);
      return "applied";
    } catch (error) {
      this.#failures += 1;
      if (neverSent(error)) return "unsent";
      this.#uncertain += 1;
      this.#warn(
        `redis counters: a settlement in flight to ${this.#target} failed (${reasonOf(error)}); ` +
          "it may or may not have been applied and is not sent again",
      );
      return "uncertain";
    }
  }

  #enqueue(settlement: Settlement): void {
    if (this.#queue.length >= this.#maxQueued) {
      this.#dropped += 1;
      // Loud, but not one line per request: the first drop, then every thousandth.
      if (this.#dropped === 1 || this.#dropped % 1_000 === 0)
        this.#warn(
          `redis counters: ${this.#dropped} settlements dropped so far, the queue of ${this.#maxQueued} is full ` +
            `while ${this.#target} is unavailable: their spend is missing from the shared budgets`,
        );
      return;
    }
    this.#queue.push(settlement);
  }

  /** Sends the queue in order, in pipelined batches, while the connection stays up. */
  async #replay(): Promise<void> {
    if (this.#replaying) return;
    this.#replaying = true;
    try {
      while (this.#queue.length > 0 && this.available) {
        const batch = this.#queue.splice(0, replayBatch);
        this.#replayingBatch = batch.length;
        // One connection answers in the order it was sent: the batch is applied in queue order.
        const outcomes = await Promise.all(batch.map((settlement) => this.#sendSettlement(settlement)));
        const unsent = batch.filter((_, index) => outcomes[index] === "unsent");
        this.#replayed += outcomes.filter((outcome) => outcome === "applied").length;
        this.#replayingBatch = 0;
        if (unsent.length > 0) {
          this.#queue.unshift(...unsent);
          break;
        }
      }
    } finally {
      this.#replaying = false;
      this.#replayingBatch = 0;
    }
  }

  #lost(): void {
    if (this.#closed || this.#outage || !this.#wasReady) return;
    this.#outage = true;
    this.#warn(
      `redis counters: lost ${this.#target} (${this.#lastReason}); charges fail until it is back, ` +
        `settlements are queued (up to ${this.#maxQueued})`,
    );
  }

  #recovered(): void {
    this.#wasReady = true;
    if (this.#outage) {
      this.#outage = false;
      this.#warn(
        `redis counters: ${this.#target} is back; replaying ${this.#queue.length} queued settlements`,
      );
    }
    if (this.#queue.length > 0) void this.#replay();
  }

  #bucketKey(id: string): string {
    return `${this.#prefix}bucket:${id}`;
  }

  #budgetKey(id: string): string {
    return `${this.#prefix}budget:${id}`;
  }
}

/** Money goes to HINCRBY as an integer string; anything else is a caller's bug, not something to round. */
function integer(value: number, field: string): string {
  if (!Number.isSafeInteger(value))
    throw new TypeError(`${field} must be an integer number of nanos: ${value}`);
  return String(value);
}

function parseCharge(reply: Reply, request: ChargeRequest): ChargeResult {
  const [outcome] = reply;
  if (outcome === "unseeded") return { outcome, budgets: reply.slice(1).map(Number) };
  const offset = outcome === "refused" ? 3 : 1;
  const buckets = request.buckets.map((charge, index) => {
    const level = Number(reply[offset + index]);
    return { remaining: level, resetMs: msUntilFull(level, charge.capacity, charge.periodMs) };
  });
  const at = offset + request.buckets.length;
  const budgets = request.budgets.map((_, index) => ({
    spentNanos: Number(reply[at + 2 * index]),
    reservedNanos: Number(reply[at + 2 * index + 1]),
  }));
  if (outcome === "admitted") return { outcome, buckets, budgets };
  const bucketIndex = Number(reply[1]);
  const budgetIndex = Number(reply[2]);
  const charge = request.buckets[bucketIndex];
  return {
    outcome: "refused",
    bucket:
      charge === undefined
        ? undefined
        : {
            index: bucketIndex,
            retryAfterMs:
              // Never on the wire: a take above the capacity is known here.
              charge.take > charge.capacity
                ? Infinity
                : msUntilHolds(
                    buckets[bucketIndex]?.remaining ?? 0,
                    charge.take,
                    charge.capacity,
                    charge.periodMs,
                  ),
          },
    budget: budgetIndex >= 0 ? { index: budgetIndex } : undefined,
    buckets,
    budgets,
  };
}

/** Settlements summed per bucket and per budget window: applying the sum is applying each (they add up). */
export function mergeSettlements(settlements: readonly Settlement[]): Settlement {
  if (settlements.length === 1 && settlements[0] !== undefined) return settlements[0];
  const buckets = new Map<string, { id: string; capacity: number; periodMs: number; give: number }>();
  const budgets = new Map<
    string,
    { id: string; releaseNanos: number; spendNanos: number; expiresAt: number | undefined }
  >();
  for (const settlement of settlements) {
    for (const bucket of settlement.buckets) {
      const seen = buckets.get(bucket.id);
      if (seen === undefined) buckets.set(bucket.id, { ...bucket });
      else seen.give += bucket.give;
    }
    for (const budget of settlement.budgets) {
      const seen = budgets.get(budget.id);
      if (seen === undefined) budgets.set(budget.id, { ...budget });
      else {
        seen.releaseNanos += budget.releaseNanos;
        seen.spendNanos += budget.spendNanos;
      }
    }
  }
  return { buckets: [...buckets.values()], budgets: [...budgets.values()] };
}
