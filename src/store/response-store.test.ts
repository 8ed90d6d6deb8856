import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StoredResponse } from "../gateway/response-store.js";
import { testBackends, type TestStoreSpace } from "../../test/support/store-backends.js";
import type { Kysely } from "kysely";
import type { Store } from "./index.js";
import { migrateToLatest } from "./migrations.js";
import { openSqlite } from "./sqlite/open-sqlite.js";
import { SqlResponseStore } from "./response-store.js";

const stored = (id: string, text: string): StoredResponse => ({
  id,
  response: { id, object: "response", output_text: text },
  conversation: [{ role: "user", content: [{ type: "text", text }] }],
});

/** The same suite on SQLite and on the real PostgreSQL (issue 13: state in the shared store). */
describe.each(testBackends)("stored responses on $name", (backend) => {
  let space: TestStoreSpace;
  let store: Store;
  beforeAll(async () => {
    space = await backend.create();
    store = await space.open();
  });
  afterAll(async () => {
    await store.close();
    await space.remove();
  });

  it("keeps a response per tenant: another tenant's id is unknown", async () => {
    await store.responses.put("team-a", stored("resp_1", "hello"));
    expect(await store.responses.get("team-a", "resp_1")).toEqual(stored("resp_1", "hello"));
    expect(await store.responses.get("team-b", "resp_1")).toBeUndefined();
    expect(await store.responses.delete("team-b", "resp_1")).toBe(false);
  });

  it("replaces a response put again, and deletes it once", async () => {
    await store.responses.put("team-a", stored("resp_2", "first"));
    await store.responses.put("team-a", stored("resp_2", "second"));
    expect((await store.responses.get("team-a", "resp_2"))?.response["output_text"]).toBe("second");
    expect(await store.responses.delete("team-a", "resp_2")).toBe(true);
    expect(await store.responses.delete("team-a", "resp_2")).toBe(false);
    expect(await store.responses.get("team-a", "resp_2")).toBeUndefined();
  });

  it("is seen by a second connection to the same store (another gateway instance)", async () => {
    await store.responses.put("team-a", stored("resp_3", "shared"));
    const other = await space.open();
    try {
      expect((await other.responses.get("team-a", "resp_3"))?.id).toBe("resp_3");
    } finally {
      await other.close();
    }
  });
});

describe("stored responses expire", () => {
  it("forgets a response past the retention period, and prunes it", async () => {
    const db = openSqlite({ kind: "sqlite", file: ":memory:" });
    await migrateToLatest(db as Kysely<unknown>, { exclusive: { busyTimeoutMs: 1_000 } });
    let now = 1_800_000_000_000;
    const responses = new SqlResponseStore(db, { retentionMs: 1_000, clock: () => now });
    await responses.put("team-a", stored("resp_old", "old"));
    await responses.put("team-a", stored("resp_new", "new"));
    now += 600;
    await responses.put("team-a", stored("resp_new", "new"));
    now += 600;
    expect(await responses.get("team-a", "resp_old")).toBeUndefined();
    expect(await responses.get("team-a", "resp_new")).toBeDefined();
    expect(await responses.prune()).toBe(1);
    await db.destroy();
  });
});
