import { describe, expect, it } from "vitest";
import type { ChatRequest } from "../core/chat-request.js";
import { affinityKeyOf, AffinityTable } from "./affinity.js";
import type { Plan } from "./plan.js";

const candidate = (offering: string, provider: string) => ({
  offering: { id: offering },
  provider: { id: provider },
  reason: `weighted draw`,
  expectedCostUsd: undefined,
});
const plan = {
  at: 0,
  candidates: [candidate("m@a", "a"), candidate("m@b", "b"), candidate("m@c", "c")],
} as unknown as Plan;
const conversation = { key: "t\u0000m\u0000k\u0000conv-1", source: "prompt_cache_key" };

describe("AffinityTable", () => {
  it("puts the offering that answered last first, saying why, until its cache would have expired", () => {
    const table = new AffinityTable({ ttlMs: 1_000, maxEntries: 10 });
    expect(table.apply(plan, conversation, 0)).toBe(plan);
    table.remember(conversation, "m@c", "c", 100);
    const warm = table.apply(plan, conversation, 500);
    expect(warm.candidates.map((each) => each.offering.id)).toEqual(["m@c", "m@a", "m@b"]);
    expect(warm.candidates[0]?.reason).toBe("affinity: warm cache on c (prompt_cache_key); weighted draw");
    expect(table.apply(plan, conversation, 1_100)).toBe(plan);
    expect(table.size).toBe(0);
  });

  it("leaves the plan alone when the warm offering is not in it (ineligible, circuit open)", () => {
    const table = new AffinityTable({ ttlMs: 1_000, maxEntries: 10 });
    table.remember(conversation, "m@gone", "gone", 0);
    expect(table.apply(plan, conversation, 10)).toBe(plan);
  });

  it("is bounded: the least recently answered conversation goes first", () => {
    const table = new AffinityTable({ ttlMs: 60_000, maxEntries: 2 });
    const key = (n: number) => ({ key: `k${n}`, source: "user" });
    table.remember(key(1), "m@a", "a", 0);
    table.remember(key(2), "m@b", "b", 0);
    table.remember(key(1), "m@c", "c", 1);
    table.remember(key(3), "m@a", "a", 2);
    expect(table.size).toBe(2);
    expect(table.apply(plan, key(2), 3)).toBe(plan);
    expect(table.apply(plan, key(1), 3).candidates[0]?.offering.id).toBe("m@c");
  });
});

describe("affinityKeyOf", () => {
  const chat = (fields: Partial<ChatRequest>): ChatRequest => ({
    model: "m",
    messages: [],
    stream: false,
    includeUsage: false,
    ...fields,
  });

  it("takes the client's prompt_cache_key, else its end user, per tenant and model", () => {
    const keyed = chat({
      user: "u1",
      passthrough: { dialect: "openai-chat", fields: { prompt_cache_key: "c1" } },
    });
    expect(affinityKeyOf("t", keyed)).toEqual({ key: "t\u0000m\u0000k\u0000c1", source: "prompt_cache_key" });
    expect(affinityKeyOf("t", chat({ user: "u1" }))).toEqual({
      key: "t\u0000m\u0000u\u0000u1",
      source: "user",
    });
    expect(affinityKeyOf("other", chat({ user: "u1" }))?.key).not.toBe(
      affinityKeyOf("t", chat({ user: "u1" }))?.key,
    );
    expect(affinityKeyOf("t", chat({}))).toBeUndefined();
  });

  it("else hashes the prompt up to its first cache breakpoint: a shared prefix, whatever follows", () => {
    const system = {
      role: "system" as const,
      content: "You are a careful reviewer.",
      cacheControl: { type: "ephemeral" as const },
    };
    const turn = (text: string) => ({ role: "user" as const, content: [{ type: "text" as const, text }] });
    const first = affinityKeyOf("t", chat({ messages: [system, turn("review a.ts")] }));
    const second = affinityKeyOf("t", chat({ messages: [system, turn("review b.ts")] }));
    expect(first).toMatchObject({ source: "cached prefix" });
    expect(second?.key).toBe(first?.key);
    const other = affinityKeyOf(
      "t",
      chat({ messages: [{ ...system, content: "You are terse." }, turn("review a.ts")] }),
    );
    expect(other?.key).not.toBe(first?.key);
    const hour = affinityKeyOf(
      "t",
      chat({ messages: [{ ...system, cacheControl: { type: "ephemeral", ttl: "1h" } }] }),
    );
    expect(hour?.ttlMs).toBe(3_600_000);
    expect(
      affinityKeyOf("t", chat({ messages: [{ role: "system", content: "no breakpoint" }, turn("x")] })),
    ).toBeUndefined();
  });
});
