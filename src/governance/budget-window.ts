import type { BudgetPeriod } from "../config/types.js";

/** One budget period's current window, in UTC calendar terms. */
export interface BudgetWindow {
  /** `2026-12-02`, `2026-W49` (ISO week, from Monday), `2026-12`, or `lifetime`. */
  readonly label: string;
  /** Epoch milliseconds, inclusive; undefined for lifetime (since always). */
  readonly start: number | undefined;
  /** Epoch milliseconds, exclusive; undefined for lifetime (never resets). */
  readonly end: number | undefined;
}

const DAY_MS = 86_400_000;

/** The window of `period` that holds the instant `at`. */
export function budgetWindow(period: BudgetPeriod, at: number): BudgetWindow {
  const date = new Date(at);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  const day = Date.UTC(year, month, date.getUTCDate());
  switch (period) {
    case "day":
      return { label: new Date(day).toISOString().slice(0, 10), start: day, end: day + DAY_MS };
    case "week": {
      // ISO weeks start on Monday; the week's year is the year of its Thursday.
      const monday = day - ((date.getUTCDay() + 6) % 7) * DAY_MS;
      const thursday = new Date(monday + 3 * DAY_MS);
      const weekYear = thursday.getUTCFullYear();
      const week = Math.floor((thursday.getTime() - Date.UTC(weekYear, 0, 1)) / (7 * DAY_MS)) + 1;
      return {
        label: `${weekYear}-W${String(week).padStart(2, "0")}`,
        start: monday,
        end: monday + 7 * DAY_MS,
      };
    }
    case "month":
      return {
        label: `${year}-${String(month + 1).padStart(2, "0")}`,
        start: Date.UTC(year, month, 1),
        end: Date.UTC(year, month + 1, 1),
      };
    case "lifetime":
      return { label: "lifetime", start: undefined, end: undefined };
  }
}
