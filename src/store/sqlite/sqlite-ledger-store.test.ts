import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { emptyLedgerRow, ledgerRow } from "../../../test/support/ledger-rows.js";
import { appendLedgerValues, ledgerColumns, toLedgerRecord } from "../ledger-store.js";
import { openStore, type Store } from "../open-store.js";

const directories: string[] = [];
const stores: Store[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
  for (const directory of directories.splice(0)) await rm(directory, { recursive: true, force: true });
});

async function open(busyTimeoutMs?: number): Promise<{ store: Store; file: string }> {
  const directory = await mkdtemp(join(tmpdir(), "switchyard-sqlite-ledger-"));
  directories.push(directory);
  const file = join(directory, "ledger.db");
  const store = await openStore({
    kind: "sqlite",
    file,
    ...(busyTimeoutMs === undefined ? {} : { busyTimeoutMs }),
  });
  stores.push(store);
  return { store, file };
}

function countIn(file: string): number {
  const raw = new BetterSqlite3(file, { readonly: true });
  try {
    return (raw.prepare("select count(*) as n from ledger_entries").get() as { n: number }).n;
  } finally {
    raw.close();
  }
}

describe("the SQLite ledger's worker", () => {
  it("lays a row out exactly as the query builder's record, column for column", () => {
    for (const row of [
      ledgerRow(),
      emptyLedgerRow(),
      ledgerRow({ startedAt: 1.6, latencyMs: 12.5, ttftMs: 0.4, stream: false, failedOver: false }),
    ]) {
      const record = toLedgerRecord(row);
      expect(ledgerColumns).toEqual(Object.keys(record));
      const values: unknown[] = [];
      appendLedgerValues(row, values);
      expect(values).toEqual(Object.values(record));
      // The batch crosses to the worker as JSON text: nothing in a row may change on the way.
      expect(JSON.parse(JSON.stringify(values))).toEqual(values);
    }
  });

  it("commits a batch before the insert resolves, readable from the store and from another process", async () => {
    const { store, file } = await open();
    const rows = Array.from({ length: 1_200 }, (_, index) => ledgerRow({ requestId: `batch-${index}` }));
    await store.ledger.insert(rows);
    expect(await store.ledger.count()).toBe(1_200);
    expect(countIn(file)).toBe(1_200);
  });

  it("rejects a batch while another connection holds the write lock, and writes it once the lock is gone", async () => {
    const { store, file } = await open(50);
    const other = new BetterSqlite3(file);
    try {
      other.exec("begin exclusive");
      const failed = await store.ledger.insert([ledgerRow({ requestId: "locked-1" })]).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failed).toBeInstanceOf(Error);
      expect((failed as Error).message).toMatch(/SQLITE_BUSY/);
      other.exec("commit");
    } finally {
      other.close();
    }
    // The writer retries the same batch: it goes in once.
    await store.ledger.insert([ledgerRow({ requestId: "locked-1" })]);
    await store.ledger.insert([ledgerRow({ requestId: "locked-1" })]);
    expect(countIn(file)).toBe(1);
  });

  it("close() lets the inserts already sent commit, and refuses inserts after it", async () => {
    const { store, file } = await open();
    const inserts = [0, 1, 2].map((batch) =>
      store.ledger.insert(
        Array.from({ length: 300 }, (_, index) => ledgerRow({ requestId: `close-${batch}-${index}` })),
      ),
    );
    await store.close();
    await Promise.all(inserts);
    expect(countIn(file)).toBe(900);
    await expect(store.ledger.insert([ledgerRow({ requestId: "late" })])).rejects.toThrow(/closed/);
  });
});
