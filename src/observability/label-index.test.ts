import { describe, expect, it } from "vitest";
import { LabelIndex } from "./label-index.js";

describe("LabelIndex", () => {
  it("makes one value per tuple of labels, once, and finds it again", () => {
    const index = new LabelIndex<{ readonly made: number }>();
    let made = 0;
    const create = () => ({ made: ++made });
    const first = index.get(["chat", "team-a", "gpt-4o-mini"], create);
    expect(index.get(["chat", "team-a", "gpt-4o-mini"], create)).toBe(first);
    // Strings equal by value, not by identity, find the same value.
    expect(index.get(["chat", `team-${"a"}`, "gpt-4o-mini"], create)).toBe(first);
    expect(index.get(["chat", "team-b", "gpt-4o-mini"], create)).not.toBe(first);
    expect(index.get(["chat", "team-a", "gpt-4o"], create)).not.toBe(first);
    expect(made).toBe(3);
  });

  it("keeps tuples apart that a joined key could confuse", () => {
    const index = new LabelIndex<string>();
    const a = index.get(["a\u0000b", "c"], () => "first");
    const b = index.get(["a", "b\u0000c"], () => "second");
    expect([a, b]).toEqual(["first", "second"]);
  });
});
