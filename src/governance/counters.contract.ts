import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { BucketCharge, BudgetCharge, CounterStore } from "./counters.js";

/**
 * The behaviour every CounterStore must have, run against each implementation (in process, and
 * Redis against the real server). Times are real: buckets here refill in hundreds of milliseconds.
 */
export function describeCounterStore(name: string, open: () => Promise<CounterStore>): void {
  describe(`CounterStore contract: ${name}`, () => {
    let store: CounterStore;
    let run = 0;
    beforeEach(async () => {
      store = await open();
      run += 1;
    });
    afterEach(async () => {
      await store.close();
    });
    /** Ids unique per test, so a shared server's leftovers never leak between tests or runs. */
    const id = (label: string): string => `${label}:${process.pid}:${Date.now().toString(36)}:${run}`;
    const bucket = (bucketId: string, capacity: number, take = 1, periodMs = 60_000): BucketCharge => ({
      id: bucketId,
      capacity,
      periodMs,
      take,
    });
    const budget = (
      budgetId: string,
      limitNanos: number,
      reserveNanos: number,
      hard = true,
    ): BudgetCharge => ({
      id: budgetId,
      limitNanos,
      reserveNanos,
      hard,
      expiresAt: Date.now() + 3_600_000,
    });

    it("a bucket admits its capacity, then refuses with the wait until one unit is back", async () => {
      const b = id("rl");
      for (let i = 0; i < 3; i++) {
        const result = await store.charge({ buckets: [bucket(b, 3)], budgets: [] });
        expect(result.outcome).toBe("admitted");
        if (result.outcome === "admitted") expect(result.buckets[0]?.remaining).toBeCloseTo(2 - i, 0);
      }
      const refused = await store.charge({ buckets: [bucket(b, 3)], budgets: [] });
      expect(refused.outcome).toBe("refused");
      if (refused.outcome !== "refused") return;
      expect(refused.bucket?.index).toBe(0);
      expect(refused.bucket?.retryAfterMs).toBeGreaterThan(0);
      expect(refused.bucket?.retryAfterMs).toBeLessThanOrEqual(20_000);
      expect(refused.buckets[0]?.resetMs).toBeGreaterThan(39_000);
    });

    it("a take larger than the capacity can never fit", async () => {
      const refused = await store.charge({ buckets: [bucket(id("rl"), 10, 11)], budgets: [] });
      expect(refused.outcome).toBe("refused");
      if (refused.outcome === "refused") expect(refused.bucket?.retryAfterMs).toBe(Infinity);
    });

    it("a charge is all or nothing", async () => {
      const first = id("a");
      const second = id("b");
      expect((await store.charge({ buckets: [bucket(second, 1)], budgets: [] })).outcome).toBe("admitted");
      const refused = await store.charge({ buckets: [bucket(first, 5), bucket(second, 1)], budgets: [] });
      expect(refused.outcome).toBe("refused");
      if (refused.outcome === "refused") expect(refused.bucket?.index).toBe(1);
      const after = await store.charge({ buckets: [bucket(first, 5)], budgets: [] });
      expect(after.outcome).toBe("admitted");
      if (after.outcome === "admitted") expect(after.buckets[0]?.remaining).toBeCloseTo(4, 0);
    });

    it("buckets refill continuously", async () => {
      const b = id("rl");
      // 6 a 600 ms: one unit every 100 ms.
      for (let i = 0; i < 6; i++) await store.charge({ buckets: [bucket(b, 6, 1, 600)], budgets: [] });
      expect((await store.charge({ buckets: [bucket(b, 6, 1, 600)], budgets: [] })).outcome).toBe("refused");
      await new Promise((resolve) => setTimeout(resolve, 260));
      const outcomes = [];
      for (let i = 0; i < 4; i++)
        outcomes.push((await store.charge({ buckets: [bucket(b, 6, 1, 600)], budgets: [] })).outcome);
      expect(outcomes.slice(0, 2)).toEqual(["admitted", "admitted"]);
      expect(outcomes.at(-1)).toBe("refused");
    });

    it("settling gives units back (never above capacity) or takes more", async () => {
      const b = id("tpm");
      await store.charge({ buckets: [bucket(b, 1000, 600)], budgets: [] });
      await store.settle({ buckets: [{ id: b, capacity: 1000, periodMs: 60_000, give: 500 }], budgets: [] });
      const full = await store.charge({ buckets: [bucket(b, 1000, 0)], budgets: [] });
      if (full.outcome === "admitted") expect(full.buckets[0]?.remaining).toBeCloseTo(900, -1);
      await store.settle({
        buckets: [{ id: b, capacity: 1000, periodMs: 60_000, give: -2000 }],
        budgets: [],
      });
      const owing = await store.charge({ buckets: [bucket(b, 1000, 1)], budgets: [] });
      expect(owing.outcome).toBe("refused");
      if (owing.outcome === "refused") expect(owing.buckets[0]?.remaining).toBeLessThan(0);
    });

    it("a budget window must be seeded first, and a seed never overwrites a counter", async () => {
      const g = id("budget");
      const unseeded = await store.charge({ buckets: [], budgets: [budget(g, 1000, 10)] });
      expect(unseeded).toEqual({ outcome: "unseeded", budgets: [0] });
      expect(await store.budgetStates([g])).toEqual([undefined]);
      await store.seedBudget(g, 300, Date.now() + 3_600_000);
      await store.seedBudget(g, 999, Date.now() + 3_600_000);
      expect(await store.budgetStates([g])).toEqual([{ spentNanos: 300, reservedNanos: 0 }]);
      const admitted = await store.charge({ buckets: [], budgets: [budget(g, 1000, 10)] });
      expect(admitted).toMatchObject({
        outcome: "admitted",
        budgets: [{ spentNanos: 300, reservedNanos: 10 }],
      });
    });

    it("a hard budget refuses what would pass its limit with the reservations in flight; a soft one never", async () => {
      const hard = id("hard");
      const soft = id("soft");
      await store.seedBudget(hard, 0, undefined);
      await store.seedBudget(soft, 0, undefined);
      expect((await store.charge({ buckets: [], budgets: [budget(hard, 100, 60)] })).outcome).toBe(
        "admitted",
      );
      const refused = await store.charge({
        buckets: [],
        budgets: [budget(soft, 100, 60, false), budget(hard, 100, 60)],
      });
      expect(refused).toMatchObject({ outcome: "refused", budget: { index: 1 } });
      // Nothing was reserved on the soft budget by the refused charge.
      expect(await store.budgetStates([soft])).toEqual([{ spentNanos: 0, reservedNanos: 0 }]);
      await store.settle({
        buckets: [],
        budgets: [{ id: hard, releaseNanos: 60, spendNanos: 25, expiresAt: undefined }],
      });
      expect(await store.budgetStates([hard])).toEqual([{ spentNanos: 25, reservedNanos: 0 }]);
      expect((await store.charge({ buckets: [], budgets: [budget(hard, 100, 60)] })).outcome).toBe(
        "admitted",
      );
      for (let i = 0; i < 3; i++)
        expect((await store.charge({ buckets: [], budgets: [budget(soft, 100, 60, false)] })).outcome).toBe(
          "admitted",
        );
      expect(await store.budgetStates([soft])).toEqual([{ spentNanos: 0, reservedNanos: 180 }]);
    });

    it("concurrent charges never take more than the limit", async () => {
      const b = id("burst");
      const g = id("burst-budget");
      await store.seedBudget(g, 0, undefined);
      const results = await Promise.all(
        Array.from({ length: 100 }, async () =>
          store.charge({ buckets: [bucket(b, 40)], budgets: [budget(g, 1_000, 40)] }),
        ),
      );
      expect(results.filter((result) => result.outcome === "admitted")).toHaveLength(25);
      expect(await store.budgetStates([g])).toEqual([{ spentNanos: 0, reservedNanos: 1_000 }]);
    });
  });
}
