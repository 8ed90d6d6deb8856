import { describe, expect, it } from "vitest";
import { InFlight } from "./in-flight.js";

describe("InFlight", () => {
  it("holds what was added and not deleted, in any order of deletes", () => {
    const inFlight = new InFlight<string>();
    const slots = ["a", "b", "c", "d", "e"].map((item) => inFlight.add(item));
    inFlight.delete(slots[1]!);
    inFlight.delete(slots[4]!);
    inFlight.delete(slots[0]!);
    expect(inFlight.size).toBe(2);
    expect([...inFlight].sort()).toEqual(["c", "d"]);
    const f = inFlight.add("f");
    inFlight.delete(slots[3]!);
    expect([...inFlight].sort()).toEqual(["c", "f"]);
    inFlight.delete(slots[2]!);
    inFlight.delete(f);
    expect(inFlight.size).toBe(0);
    expect([...inFlight]).toEqual([]);
  });

  it("ignores a second delete of the same slot, even after its place was taken", () => {
    const inFlight = new InFlight<string>();
    const a = inFlight.add("a");
    inFlight.add("b");
    inFlight.delete(a);
    inFlight.delete(a);
    expect([...inFlight]).toEqual(["b"]);
  });

  it("lets a deleted slot forget its item, and tolerates deletes while iterating", () => {
    const inFlight = new InFlight<{ id: number }>();
    const slots = [1, 2, 3].map((id) => inFlight.add({ id }));
    const seen: number[] = [];
    for (const item of inFlight) {
      seen.push(item.id);
      for (const slot of slots) inFlight.delete(slot);
    }
    expect(seen).toEqual([1]);
    expect(slots.every((slot) => slot.item === undefined)).toBe(true);
    expect(inFlight.size).toBe(0);
  });
});
