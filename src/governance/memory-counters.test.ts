import { describe, expect, it } from "vitest";
import { describeCounterStore } from "./counters.contract.js";
import { MemoryCounters } from "./memory-counters.js";

describeCounterStore("memory", () => Promise.resolve(new MemoryCounters()));

describe("MemoryCounters", () => {
  it("forgets budget windows that ended once nothing is reserved in them", () => {
    let now = 1_000_000;
    const counters = new MemoryCounters(() => now);
    counters.seedBudget("ended", 5, now + 1_000);
    counters.seedBudget("lifetime", 7, undefined);
    now += 120_000;
    counters.charge({ buckets: [], budgets: [] });
    expect(counters.budgetStates(["ended", "lifetime"])).toEqual([
      undefined,
      { spentNanos: 7, reservedNanos: 0 },
    ]);
  });
});
