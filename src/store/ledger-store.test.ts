import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LedgerRow } from "../ledger/ledger-row.js";
import { emptyLedgerRow, ledgerRow } from "../../test/support/ledger-rows.js";
import { testBackends, type TestStoreSpace } from "../../test/support/store-backends.js";
import { insertChunkRows } from "./ledger-store.js";
import type { Store } from "./open-store.js";

async function collect(rows: AsyncIterable<LedgerRow>): Promise<LedgerRow[]> {
  const out: LedgerRow[] = [];
  for await (const row of rows) out.push(row);
  return out;
}

const hour = 3_600_000;
const t0 = Date.UTC(2026, 5, 1);

// One suite, every backend: the same schema and the same queries must behave the same.
describe.each(testBackends)("the ledger store on $name", (backend) => {
  // One store per backend for the whole file (a schema and a migration per test would be slow): each test
  // keeps to its own stretch of time, so the rows of the others never fall in its filters.
  let space: TestStoreSpace;
  let store: Store;

  beforeAll(async () => {
    space = await backend.create();
    store = await space.open();
  });
  afterAll(async () => {
    await store?.close();
    await space?.remove();
  });

  it("reads back every field as it was written, nulls, flags and fractions included", async () => {
    const full = ledgerRow({ requestId: "roundtrip-1", startedAt: t0 + 1 });
    const empty = emptyLedgerRow({ requestId: "roundtrip-2", startedAt: t0 + 2 });
    await store.ledger.insert([full, empty]);
    // A second batch of the same size reuses the first one's SQL with its own values, in the same order.
    const later = [
      emptyLedgerRow({ requestId: "roundtrip-3", startedAt: t0 + 3, tenant: "team-c", status: 429 }),
      ledgerRow({ requestId: "roundtrip-4", startedAt: t0 + 4, stream: false, costUsd: 1.25, warnings: "" }),
    ];
    await store.ledger.insert(later);
    const read = await collect(store.ledger.rows({ from: t0, to: t0 + 5 }));
    expect(read).toEqual([full, empty, ...later]);
    expect(typeof read[0]?.startedAt).toBe("number");
    expect(read[0]?.costUsd).toBe(0.000_345_6);
  });

  it("rounds fractional milliseconds into the integer columns", async () => {
    await store.ledger.insert([
      ledgerRow({ requestId: "fraction-1", startedAt: t0 + 10, latencyMs: 12.6, ttftMs: 3.4 }),
    ]);
    const [row] = await collect(store.ledger.rows({ from: t0 + 10, to: t0 + 11 }));
    expect(row).toMatchObject({ latencyMs: 13, ttftMs: 3 });
  });

  it("never writes a request twice: a repeated id keeps the first row", async () => {
    const first = ledgerRow({ requestId: "twice-1", startedAt: t0 + 20, outputTokens: 1 });
    await store.ledger.insert([first]);
    await store.ledger.insert([
      { ...first, outputTokens: 999 },
      ledgerRow({ requestId: "twice-2", startedAt: t0 + 21 }),
    ]);
    // The same id twice in one batch, too (a report published twice must not fail the batch).
    await store.ledger.insert([
      ledgerRow({ requestId: "twice-3", startedAt: t0 + 22 }),
      ledgerRow({ requestId: "twice-3", startedAt: t0 + 22, outputTokens: 5 }),
    ]);
    const read = await collect(store.ledger.rows({ from: t0 + 20, to: t0 + 23 }));
    expect(read.map((row) => [row.requestId, row.outputTokens])).toEqual([
      ["twice-1", 1],
      ["twice-2", 350],
      ["twice-3", 350],
    ]);
    expect(await store.ledger.count({ from: t0 + 20, to: t0 + 23 })).toBe(3);
  });

  it("orders by start time then request id, with from inclusive, to exclusive and the tenant exact", async () => {
    const base = t0 + 100 * hour;
    await store.ledger.insert([
      ledgerRow({ requestId: "order-c", startedAt: base + 2 * hour, tenant: "team-b" }),
      ledgerRow({ requestId: "order-b", startedAt: base, tenant: "team-a" }),
      ledgerRow({ requestId: "order-a", startedAt: base, tenant: "team-b" }),
      ledgerRow({ requestId: "order-d", startedAt: base + 3 * hour, tenant: "team-a" }),
      emptyLedgerRow({ requestId: "order-e", startedAt: base + hour }),
    ]);
    const ids = async (filter: { from?: number; to?: number; tenant?: string }) =>
      (await collect(store.ledger.rows(filter))).map((row) => row.requestId);
    const all = { from: base, to: base + 4 * hour };
    expect(await ids(all)).toEqual(["order-a", "order-b", "order-e", "order-c", "order-d"]);
    expect(await ids({ from: base + hour, to: base + 3 * hour })).toEqual(["order-e", "order-c"]);
    expect(await ids({ ...all, tenant: "team-a" })).toEqual(["order-b", "order-d"]);
    expect(await ids({ ...all, tenant: "team-z" })).toEqual([]);
    expect(await store.ledger.count(all)).toBe(5);
    expect(await store.ledger.count({ ...all, tenant: "team-b" })).toBe(2);
    expect(await store.ledger.count({ from: base + 3 * hour + 1, to: base + 4 * hour })).toBe(0);
  });

  it("streams a period larger than a page and a batch larger than one statement, ties across pages included", async () => {
    const base = t0 + 1_000 * hour;
    const total = 2 * insertChunkRows + 300;
    // Seven rows per millisecond, so equal start times straddle the page boundaries.
    const rows = Array.from({ length: total }, (_, index) =>
      ledgerRow({
        requestId: `page-${String(index).padStart(5, "0")}`,
        startedAt: base + Math.floor(index / 7),
        tenant: index % 2 === 0 ? "even" : "odd",
      }),
    );
    await store.ledger.insert([...rows].reverse());
    const period = { from: base, to: base + hour };
    const read = await collect(store.ledger.rows(period));
    expect(read.length).toBe(total);
    expect(read.map((row) => row.requestId)).toEqual(rows.map((row) => row.requestId));
    expect(await store.ledger.count(period)).toBe(total);
    const odd = await collect(store.ledger.rows({ ...period, tenant: "odd" }));
    expect(odd.map((row) => row.requestId)).toEqual(
      rows.filter((row) => row.tenant === "odd").map((row) => row.requestId),
    );
  });

  it("lets a reader stop early and the store go on writing", async () => {
    const base = t0 + 2_000 * hour;
    await store.ledger.insert(
      Array.from({ length: 30 }, (_, index) =>
        ledgerRow({ requestId: `early-${String(index).padStart(2, "0")}`, startedAt: base + index }),
      ),
    );
    let seen = 0;
    for await (const _row of store.ledger.rows({ from: base })) if (++seen === 3) break;
    expect(seen).toBe(3);
    await store.ledger.insert([ledgerRow({ requestId: "early-after", startedAt: base + 100 })]);
    expect(await store.ledger.count({ from: base })).toBe(31);
  });

  it("opens again on the same database: migrations run once and the rows are still there", async () => {
    const again = await space.open();
    try {
      expect(await again.ledger.count()).toBe(await store.ledger.count());
      await again.ledger.insert([ledgerRow({ requestId: "reopen-1", startedAt: t0 + 3_000 * hour })]);
      // Two stores on one database (a gateway and a `switchyard report`) see each other's rows.
      expect(await store.ledger.count({ from: t0 + 3_000 * hour })).toBe(1);
    } finally {
      await again.close();
    }
  });

  it("accepts an empty batch", async () => {
    const before = await store.ledger.count();
    await store.ledger.insert([]);
    expect(await store.ledger.count()).toBe(before);
  });
});
