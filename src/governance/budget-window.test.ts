import { describe, expect, it } from "vitest";
import { budgetWindow } from "./budget-window.js";

describe("budgetWindow", () => {
  const at = Date.parse("2026-12-02T17:30:00Z"); // a Wednesday

  it("days, ISO weeks from Monday, months and lifetime, in UTC", () => {
    expect(budgetWindow("day", at)).toEqual({
      label: "2026-12-02",
      start: Date.parse("2026-12-02T00:00:00Z"),
      end: Date.parse("2026-12-03T00:00:00Z"),
    });
    expect(budgetWindow("week", at)).toEqual({
      label: "2026-W49",
      start: Date.parse("2026-11-30T00:00:00Z"),
      end: Date.parse("2026-12-07T00:00:00Z"),
    });
    expect(budgetWindow("month", at)).toEqual({
      label: "2026-12",
      start: Date.parse("2026-12-01T00:00:00Z"),
      end: Date.parse("2027-01-01T00:00:00Z"),
    });
    expect(budgetWindow("lifetime", at)).toEqual({ label: "lifetime", start: undefined, end: undefined });
  });

  it("a week that spans the new year belongs to the year of its Thursday", () => {
    expect(budgetWindow("week", Date.parse("2027-01-01T08:00:00Z")).label).toBe("2026-W53");
    expect(budgetWindow("week", Date.parse("2024-12-31T08:00:00Z")).label).toBe("2025-W01");
    expect(budgetWindow("week", Date.parse("2026-11-29T23:59:59Z")).label).toBe("2026-W48");
  });
});
