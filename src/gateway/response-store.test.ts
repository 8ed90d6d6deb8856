import { describe, expect, it } from "vitest";
import {
  ConsistentResponseStore,
  MemoryResponseStore,
  type ResponseStore,
  type StoredResponse,
} from "./response-store.js";

const stored = (id: string, text = "x"): StoredResponse => ({
  id,
  response: { id, object: "response" },
  conversation: [{ role: "user", content: [{ type: "text", text }] }],
});

describe("MemoryResponseStore", () => {
  it("keeps responses per tenant: another tenant's id is unknown", async () => {
    const store = new MemoryResponseStore({ maxEntries: 10, maxBytes: 1_000_000 });
    await store.put("a", stored("resp_1"));
    expect((await store.get("a", "resp_1"))?.id).toBe("resp_1");
    expect(await store.get("b", "resp_1")).toBeUndefined();
    expect(await store.delete("b", "resp_1")).toBe(false);
    expect(await store.delete("a", "resp_1")).toBe(true);
    expect(await store.get("a", "resp_1")).toBeUndefined();
  });

  it("evicts the least recently used response past its count", async () => {
    const store = new MemoryResponseStore({ maxEntries: 2, maxBytes: 1_000_000 });
    await store.put("a", stored("resp_1"));
    await store.put("a", stored("resp_2"));
    await store.get("a", "resp_1");
    await store.put("a", stored("resp_3"));
    expect(await store.get("a", "resp_2")).toBeUndefined();
    expect((await store.get("a", "resp_1"))?.id).toBe("resp_1");
    expect(store.size.entries).toBe(2);
  });

  it("evicts past its bytes, and keeps no response larger than the bound alone", async () => {
    const one = Buffer.byteLength(JSON.stringify(stored("resp_1")));
    const store = new MemoryResponseStore({ maxEntries: 100, maxBytes: one * 2 });
    await store.put("a", stored("resp_1"));
    await store.put("a", stored("resp_2"));
    await store.put("a", stored("resp_3"));
    expect(await store.get("a", "resp_1")).toBeUndefined();
    expect(store.size).toEqual({ entries: 2, bytes: one * 2 });
    await store.put("a", stored("resp_big", "y".repeat(one * 3)));
    expect(await store.get("a", "resp_big")).toBeUndefined();
    expect(store.size.bytes).toBeLessThanOrEqual(one * 2);
  });

  it("replaces a response put twice without counting it twice", async () => {
    const store = new MemoryResponseStore({ maxEntries: 10, maxBytes: 1_000_000 });
    await store.put("a", stored("resp_1"));
    const bytes = store.size.bytes;
    await store.put("a", stored("resp_1"));
    expect(store.size).toEqual({ entries: 1, bytes });
  });
});

describe("ConsistentResponseStore", () => {
  it("lets a read wait for a write of the same response still in flight", async () => {
    const inner = new MemoryResponseStore({ maxEntries: 10, maxBytes: 1_000_000 });
    let release = (): void => {};
    const slow: ResponseStore = {
      get: (tenant, id) => inner.get(tenant, id),
      delete: (tenant, id) => inner.delete(tenant, id),
      put: (tenant, value) =>
        new Promise((resolve) => {
          release = () => resolve(inner.put(tenant, value));
        }),
    };
    const store = new ConsistentResponseStore(slow);
    const write = store.put("a", stored("resp_1"));
    const read = store.get("a", "resp_1");
    release();
    await write;
    expect((await read)?.id).toBe("resp_1");
  });
});
