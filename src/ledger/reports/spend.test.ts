import { describe, expect, it } from "vitest";
import { fixtureConfig, fixtureRows, ledgerRow } from "./fixture-ledger.js";
import { parseReportOptions } from "./options.js";
import { spendReport } from "./spend.js";

const optionsFor = (by: string, tenant?: string) =>
  parseReportOptions("spend", { from: "2026-10-01", to: "2026-11-30", by, tenant }, fixtureConfig).options;

describe("spend", () => {
  it("by tenant: recorded costs, requests, failures and tokens, most expensive first", async () => {
    const report = await spendReport(fixtureRows, optionsFor("tenant"));
    // default: r1-r3, r5-r7 = 0.006 + 0.012 + 0.010 + 0.0144 + 0.0144 = 0.0568; eu-only: r4 = 0.0021
    expect(report.lines.map((line) => [line.key, line.requests, line.failed])).toEqual([
      ["default", 6, 1],
      ["eu-only", 1, 0],
    ]);
    expect(report.lines[0]?.costUsd).toBeCloseTo(0.0568, 9);
    expect(report.lines[0]?.inputTokens).toBe(1000 + 2000 + 1000 + 10000 + 10000);
    expect(report.lines[0]?.cachedInputTokens).toBe(16000);
    expect(report.total.costUsd).toBeCloseTo(0.0589, 9);
    expect(report.total.requests).toBe(7);
  });

  it("by day and by model; by key for one tenant", async () => {
    const byDay = await spendReport(fixtureRows, optionsFor("day"));
    expect(byDay.lines.find((line) => line.key === "2026-11-25")?.costUsd).toBeCloseTo(0.0121, 9);
    expect(byDay.lines.map((line) => line.key)).toEqual([
      "2026-10-20",
      "2026-11-05",
      "2026-11-10",
      "2026-11-20",
      "2026-11-21",
      "2026-11-25",
    ]);
    const byModel = await spendReport(fixtureRows, optionsFor("model"));
    expect(byModel.lines.map((line) => [line.key, line.requests])).toEqual([
      ["gpt-x", 5],
      ["gpt-y", 2],
    ]);
    const byKey = await spendReport(fixtureRows, optionsFor("key", "eu-only"));
    expect(byKey.lines.map((line) => line.key)).toEqual(["eu-key"]);
  });

  it("counts unpriced and estimated usage, and leaves out non-model endpoints", async () => {
    const rows = [
      ledgerRow({
        requestId: "a",
        startedAt: Date.UTC(2026, 10, 2),
        offering: "gpt-x@azure",
        inputTokens: 5,
        usageEstimated: true,
      }),
      ledgerRow({ requestId: "b", startedAt: Date.UTC(2026, 10, 2), endpoint: "models" }),
    ];
    const report = await spendReport(rows, optionsFor("provider"));
    expect(report.lines).toMatchObject([
      { key: "azure", requests: 1, unpriced: 1, estimated: 1, costUsd: 0 },
    ]);
  });

  it("reads an async iterable as a store yields it", async () => {
    async function* stream() {
      for (const row of fixtureRows) yield await Promise.resolve(row);
    }
    expect((await spendReport(stream(), optionsFor("tenant"))).total.requests).toBe(7);
  });
});
