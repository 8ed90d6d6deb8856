import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  RedisChild,
  deleteKeys,
  testKeyPrefix,
  testRedisUrl,
  until,
} from "../../test/support/redis-server.js";
import { closedPort } from "../../test/support/tcp-proxy.js";
import { RedisUnavailableError } from "../store/redis/redis-connection.js";
import type { BucketCharge, BudgetCharge } from "./counters.js";
import { describeCounterStore } from "./counters.contract.js";
import { mergeSettlements, RedisCounters } from "./redis-counters.js";

const prefix = testKeyPrefix("counters");
afterAll(() => deleteKeys(testRedisUrl, prefix));

// The contract is about behaviour, not latency: a loaded test machine gets a generous timeout.
describeCounterStore("redis", () =>
  RedisCounters.connect({ url: testRedisUrl, keyPrefix: prefix, timeoutMs: 2_000 }),
);

const perMinute = (id: string, capacity: number, take = 1): BucketCharge => ({
  id,
  capacity,
  periodMs: 60_000,
  take,
});
const hardBudget = (id: string, limitNanos: number, reserveNanos: number): BudgetCharge => ({
  id,
  limitNanos,
  reserveNanos,
  hard: true,
  expiresAt: Date.now() + 3_600_000,
});

describe("RedisCounters on the shared Redis", () => {
  const open: RedisCounters[] = [];
  const connect = async (): Promise<RedisCounters> => {
    const counters = await RedisCounters.connect({ url: testRedisUrl, keyPrefix: prefix, timeoutMs: 2_000 });
    open.push(counters);
    return counters;
  };
  afterEach(async () => {
    await Promise.all(open.splice(0).map((counters) => counters.close()));
  });

  it("two replicas share one limit and one budget: exactly the capacity is admitted between them", async () => {
    const [a, b] = [await connect(), await connect()];
    const limit = `replicas:rl:${Date.now()}`;
    const budget = `replicas:budget:${Date.now()}`;
    await a.seedBudget(budget, 0, Date.now() + 3_600_000);
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, index) =>
        (index % 2 === 0 ? a : b).charge({ buckets: [perMinute(limit, 60)], budgets: [] }),
      ),
    );
    expect(results.filter((result) => result.outcome === "admitted")).toHaveLength(60);
    const fromA = results.filter((result, index) => index % 2 === 0 && result.outcome === "admitted");
    expect(fromA.length).toBeGreaterThan(0);
    expect(fromA.length).toBeLessThan(60);

    const spending = await Promise.all(
      Array.from({ length: 100 }, (_, index) =>
        (index % 2 === 0 ? a : b).charge({ buckets: [], budgets: [hardBudget(budget, 1_000, 40)] }),
      ),
    );
    expect(spending.filter((result) => result.outcome === "admitted")).toHaveLength(25);
    expect(await b.budgetStates([budget])).toEqual([{ spentNanos: 0, reservedNanos: 1_000 }]);
  });

  it("settling a window Redis has no counter for leaves it unseeded (the ledger seeds it again)", async () => {
    const counters = await connect();
    const budget = `missing:${Date.now()}`;
    await counters.settle({
      buckets: [],
      budgets: [{ id: budget, releaseNanos: 10, spendNanos: 7, expiresAt: undefined }],
    });
    expect(await counters.budgetStates([budget])).toEqual([undefined]);
    expect(await counters.charge({ buckets: [], budgets: [hardBudget(budget, 100, 1)] })).toEqual({
      outcome: "unseeded",
      budgets: [0],
    });
  });

  it("money must be whole nanos", async () => {
    const counters = await connect();
    await expect(counters.seedBudget(`frac:${Date.now()}`, 0.5, undefined)).rejects.toThrow(/integer/);
  });
});

describe("RedisCounters when Redis fails", () => {
  const server = new RedisChild();
  const open: RedisCounters[] = [];
  const warnings: string[] = [];
  const connect = async (
    options: { timeoutMs?: number; maxQueued?: number } = {},
  ): Promise<RedisCounters> => {
    const counters = await RedisCounters.connect(
      { url: server.url, keyPrefix: "drill:", timeoutMs: options.timeoutMs ?? 50 },
      { onWarning: (message) => warnings.push(message), maxQueuedSettlements: options.maxQueued },
    );
    open.push(counters);
    return counters;
  };
  beforeAll(() => server.start());
  afterEach(async () => {
    await Promise.all(open.splice(0).map((counters) => counters.close()));
    warnings.length = 0;
    await server.start();
  });
  afterAll(() => server.kill());

  it("fails to connect with one line naming host:port and the reason, never the password", async () => {
    const port = await closedPort();
    const error = await RedisCounters.connect({ url: `redis://:s3cret@127.0.0.1:${port}` }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(RedisUnavailableError);
    const message = (error as Error).message;
    expect(message).toContain(`127.0.0.1:${port}`);
    expect(message).toMatch(/ECONNREFUSED/);
    expect(message).not.toContain("s3cret");
    expect(message).not.toContain("\n");
  });

  it("a charge that is late fails within the timeout, and what it took when it ran is given back", async () => {
    const counters = await connect({ timeoutMs: 50 });
    const admin = await server.client();
    try {
      const bucket = `late:${Date.now()}`;
      const budget = `late-budget:${Date.now()}`;
      await counters.seedBudget(budget, 0, Date.now() + 3_600_000);
      // Redis answers nothing for 300 ms, then runs the charge: it admits, after its caller gave up.
      await admin.call("CLIENT", "PAUSE", "300", "ALL");
      const started = Date.now();
      const error = await counters
        .charge({ buckets: [perMinute(bucket, 10, 4)], budgets: [hardBudget(budget, 1_000, 100)] })
        .catch((caught: unknown) => caught);
      const waited = Date.now() - started;
      expect(error).toBeInstanceOf(RedisUnavailableError);
      expect((error as Error).message).toMatch(/no answer within 50 ms/);
      expect(waited).toBeLessThan(200);
      await until(() => counters.stats.compensated === 1, 5_000, "the compensation");
      await until(() => counters.stats.queued === 0, 5_000, "the settlement");
      // Nothing kept: the bucket is full, the reservation released.
      const after = await counters.charge({ buckets: [perMinute(bucket, 10, 0)], budgets: [] });
      expect(after).toMatchObject({ outcome: "admitted" });
      if (after.outcome === "admitted") expect(after.buckets[0]?.remaining).toBeCloseTo(10, 3);
      expect(await counters.budgetStates([budget])).toEqual([{ spentNanos: 0, reservedNanos: 0 }]);
    } finally {
      admin.disconnect();
    }
  });

  it("Redis down: charges fail at once, settlements queue and replay in order after the restart", async () => {
    const counters = await connect({ timeoutMs: 50 });
    const bucket = `outage:${Date.now()}`;
    const budget = `outage-budget:${Date.now()}`;
    await counters.seedBudget(budget, 500, Date.now() + 3_600_000);
    expect(
      await counters.charge({ buckets: [perMinute(bucket, 10)], budgets: [hardBudget(budget, 1_000, 50)] }),
    ).toMatchObject({ outcome: "admitted" });

    await server.kill();
    await until(() => !counters.available, 5_000, "the connection to drop");
    const started = Date.now();
    await expect(counters.charge({ buckets: [perMinute(bucket, 10)], budgets: [] })).rejects.toBeInstanceOf(
      RedisUnavailableError,
    );
    expect(Date.now() - started).toBeLessThan(50);
    // Given back then taken: only in this order does the bucket end at 5 (the give is capped at 10).
    await counters.settle({ buckets: [{ ...perMinute(bucket, 10), give: 100 }], budgets: [] });
    await counters.settle({ buckets: [{ ...perMinute(bucket, 10), give: -5 }], budgets: [] });
    await counters.settle({
      buckets: [],
      budgets: [{ id: budget, releaseNanos: 50, spendNanos: 30, expiresAt: undefined }],
    });
    expect(counters.stats).toMatchObject({ queued: 3, dropped: 0 });
    expect(warnings.some((warning) => warning.includes("lost 127.0.0.1"))).toBe(true);

    await server.start();
    await until(() => counters.available && counters.stats.queued === 0, 10_000, "the replay");
    expect(counters.stats).toMatchObject({ queued: 0, replayed: 3, dropped: 0, uncertain: 0 });
    const after = await counters.charge({ buckets: [perMinute(bucket, 10)], budgets: [] });
    expect(after.outcome).toBe("admitted");
    // 5 after the replay (once, in order), 4 after this charge.
    if (after.outcome === "admitted") expect(after.buckets[0]?.remaining).toBeCloseTo(4, 2);
    // The restarted Redis lost its keys: the budget must be seeded from the ledger again.
    expect(await counters.charge({ buckets: [], budgets: [hardBudget(budget, 1_000, 50)] })).toEqual({
      outcome: "unseeded",
      budgets: [0],
    });
    await counters.seedBudget(budget, 530, Date.now() + 3_600_000);
    expect(await counters.charge({ buckets: [], budgets: [hardBudget(budget, 1_000, 50)] })).toMatchObject({
      outcome: "admitted",
      budgets: [{ spentNanos: 530, reservedNanos: 50 }],
    });
  });

  it("beyond the queue's bound settlements are dropped, counted and warned about", async () => {
    const counters = await connect({ maxQueued: 2 });
    await server.kill();
    await until(() => !counters.available, 5_000, "the connection to drop");
    for (let i = 0; i < 3; i++)
      await counters.settle({ buckets: [{ ...perMinute(`drop:${i}`, 10), give: -1 }], budgets: [] });
    expect(counters.stats).toMatchObject({ queued: 2, dropped: 1 });
    expect(warnings.filter((warning) => warning.includes("dropped"))).toHaveLength(1);
  });
});

describe("mergeSettlements", () => {
  it("sums the deltas per bucket and budget window, keeping each one's shape", () => {
    const bucket = (id: string, give: number) => ({ id, capacity: 100, periodMs: 60_000, give });
    const budget = (id: string, releaseNanos: number, spendNanos: number) => ({
      id,
      releaseNanos,
      spendNanos,
      expiresAt: 5,
    });
    expect(
      mergeSettlements([
        { buckets: [bucket("rl:a", 3), bucket("rl:b", -2)], budgets: [budget("b:1", 10, 4)] },
        { buckets: [bucket("rl:a", -7)], budgets: [budget("b:1", 20, 9), budget("b:2", 1, 1)] },
      ]),
    ).toEqual({
      buckets: [bucket("rl:a", -4), bucket("rl:b", -2)],
      budgets: [budget("b:1", 30, 13), budget("b:2", 1, 1)],
    });
  });
});
