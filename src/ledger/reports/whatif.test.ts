import { describe, expect, it } from "vitest";
import { fixtureConfig, fixtureRows, ledgerRow } from "./fixture-ledger.js";
import { parseReportOptions } from "./options.js";
import { whatIfReport, type WhatIfLine } from "./whatif.js";

const { options } = parseReportOptions("whatif", { from: "2026-10-01", to: "2026-11-30" }, fixtureConfig);
const none = {
  exclusive: 0,
  "launch-window": 0,
  "not-offered": 0,
  boundary: 0,
  policy: 0,
  capability: 0,
  unpriced: 0,
};

/** Money within a nanodollar: the figures below are exact decimals, the sums floats. */
function expectLine(line: WhatIfLine | undefined, expected: Partial<WhatIfLine>): void {
  expect(line).toBeDefined();
  for (const [key, value] of Object.entries(expected)) {
    const actual = (line as unknown as Record<string, unknown>)[key];
    if (typeof value === "number") expect(actual, key).toBeCloseTo(value, 9);
    else expect(actual, key).toEqual(value);
  }
}

describe("whatif on a ledger that spans the end of an exclusivity and a model's launch window", () => {
  /*
   * Hand computation (prices USD per 1M tokens; see fixture-ledger.ts for the catalog):
   *
   * gpt-x (released 2026-10-01; Azure exclusive until 2026-11-01, then launch partner with P10D, so
   * other clouds may serve it from 2026-11-01 on; Google lacks tools, which Azure's offering has):
   *   r1 10-20 default  paid 0.006   azure 0.006 | aws exclusive | gcp exclusive
   *   r2 11-05 default  paid 0.012   azure 0.012 | aws 2,000×1 + 1,000×6 = 0.008 | gcp capability
   *   r3 11-25 default  paid 0.010   azure 0.010 | aws (cut) 1,000×0.8 + 1,000×5 = 0.0058 | gcp capability
   *   r4 11-25 eu-only  paid 0.0021  azure boundary | aws boundary | gcp 0.0021
   *   paid 0.0301; cheapest 0.006 + 0.008 + 0.0058 + 0.0021 = 0.0219
   *   preferred channel (azure, exclusive then launch partner): r1-r3, paid 0.028,
   *   premium (0.006-0.006) + (0.012-0.008) + (0.010-0.0058) = 0.0082
   *   azure: eligible 3/4, cost 0.028, paid 0.028, saving 0;       boundary 1
   *   aws:   eligible 2/4, cost 0.0138, paid 0.022, saving 0.0082 (37.27%); exclusive 1, boundary 1
   *   gcp:   eligible 1/4, cost 0.0021, paid 0.0021, saving 0;     exclusive 1, capability 2
   *
   * gpt-y (released 2026-11-05, so other clouds from 2026-11-15):
   *   r5 11-10  paid 2,000×4 + 8,000×0.4 + 200×16 = 0.0144   aws launch-window
   *   r6 11-20  paid 0.0144   aws 2,000×3 + 8,000×0.3 + 200×12 = 0.0108
   *   paid 0.0288; cheapest 0.0144 + 0.0108 = 0.0252; preferred r5, r6: premium 0.0036
   *   aws: eligible 1/2, cost 0.0108, paid 0.0144, saving 0.0036 (25%); launch-window 1
   *
   * Clouds over all six priced rows (r7 has no tokens, r8 is after the period):
   *   aws:   r2 0.008, r3 0.0058, r6 0.0108 → cost 0.0246, paid 0.012 + 0.010 + 0.0144 = 0.0364,
   *          saving 0.0118 (32.42%); exclusive r1, boundary r4, launch-window r5: 3/6 = 50%
   *   azure: r1 r2 r3 r5 r6 → cost = paid = 0.0568; boundary r4
   *   gcp:   r4 → 0.0021; exclusive r1, capability r2 r3, not-offered r5 r6 (no gpt-y): 5/6
   * Totals: 6 requests, paid 0.0589, cheapest 0.0471, preference premium 0.0118.
   */
  it("matches the hand computation", async () => {
    const report = await whatIfReport(fixtureRows, fixtureConfig, options);
    expect(report.requests).toBe(6);
    expect(report.paidUsd).toBeCloseTo(0.0589, 9);
    expect(report.cheapestUsd).toBeCloseTo(0.0471, 9);
    expect(report.preferencePremiumUsd).toBeCloseTo(0.0118, 9);
    expect(report.skipped).toEqual({ noUsage: 1, noCost: 0, unknownModel: 0 });

    expect(report.models.map((model) => model.model)).toEqual(["gpt-x", "gpt-y"]);
    const [gptX, gptY] = report.models;
    expect(gptX?.requests).toBe(4);
    expect(gptX?.paidUsd).toBeCloseTo(0.0301, 9);
    expect(gptX?.cheapestUsd).toBeCloseTo(0.0219, 9);
    expect(gptX?.preferredRequests).toBe(3);
    expect(gptX?.preferredPaidUsd).toBeCloseTo(0.028, 9);
    expect(gptX?.preferencePremiumUsd).toBeCloseTo(0.0082, 9);
    const [azureX, awsX, gcpX] = gptX?.offerings ?? [];
    expectLine(azureX, {
      key: "gpt-x@azure",
      requests: 4,
      served: 3,
      servedUsd: 0.028,
      eligible: 3,
      costUsd: 0.028,
      paidUsd: 0.028,
      savingUsd: 0,
      ineligibleShare: 0.25,
      ineligible: { ...none, boundary: 1 },
    });
    expectLine(awsX, {
      key: "gpt-x@aws",
      served: 0,
      eligible: 2,
      costUsd: 0.0138,
      paidUsd: 0.022,
      savingUsd: 0.0082,
      savingShare: 0.0082 / 0.022,
      ineligibleShare: 0.5,
      ineligible: { ...none, exclusive: 1, boundary: 1 },
    });
    expectLine(gcpX, {
      key: "gpt-x@gcp",
      served: 1,
      servedUsd: 0.0021,
      eligible: 1,
      costUsd: 0.0021,
      paidUsd: 0.0021,
      savingUsd: 0,
      ineligibleShare: 0.75,
      ineligible: { ...none, exclusive: 1, capability: 2 },
    });
    expect(gcpX?.examples).toEqual({
      exclusive: "openai is exclusive to azure until 2026-11-01",
      capability: "no tools support on this offering",
    });

    expect(gptY?.paidUsd).toBeCloseTo(0.0288, 9);
    expect(gptY?.cheapestUsd).toBeCloseTo(0.0252, 9);
    expect(gptY?.preferencePremiumUsd).toBeCloseTo(0.0036, 9);
    expectLine(gptY?.offerings[1], {
      key: "gpt-y@aws",
      eligible: 1,
      costUsd: 0.0108,
      paidUsd: 0.0144,
      savingUsd: 0.0036,
      savingShare: 0.25,
      ineligibleShare: 0.5,
      ineligible: { ...none, "launch-window": 1 },
    });
    expect(gptY?.offerings[1]?.examples["launch-window"]).toBe(
      "launch window until 2026-11-15 (launch partner: azure)",
    );

    expect(report.clouds.map((line) => line.key)).toEqual(["aws", "azure", "gcp"]);
    const [aws, azure, gcp] = report.clouds;
    expectLine(aws, {
      requests: 6,
      served: 0,
      eligible: 3,
      costUsd: 0.0246,
      paidUsd: 0.0364,
      savingUsd: 0.0118,
      savingShare: 0.0118 / 0.0364,
      ineligibleShare: 0.5,
      ineligible: { ...none, exclusive: 1, boundary: 1, "launch-window": 1 },
    });
    expectLine(azure, {
      served: 5,
      servedUsd: 0.0568,
      eligible: 5,
      costUsd: 0.0568,
      savingUsd: 0,
      ineligible: { ...none, boundary: 1 },
    });
    expectLine(gcp, {
      served: 1,
      eligible: 1,
      costUsd: 0.0021,
      ineligibleShare: 5 / 6,
      ineligible: { ...none, exclusive: 1, capability: 2, "not-offered": 2 },
    });
  });

  it("a tenant's report reads only its rows and its boundary", async () => {
    const eu = parseReportOptions("whatif", { tenant: "eu-only" }, fixtureConfig).options;
    const report = await whatIfReport(fixtureRows, fixtureConfig, eu);
    expect(report.requests).toBe(1);
    expect(report.clouds.map((line) => [line.key, line.eligible, line.ineligible.boundary])).toEqual([
      ["aws", 0, 1],
      ["azure", 0, 1],
      ["gcp", 1, 0],
    ]);
  });

  it("a model fallback re-prices the model that ran, not the one asked for", async () => {
    // r9 asked for gpt-y and was served by gpt-x@azure: it is gpt-x traffic.
    const fallback = ledgerRow({
      requestId: "r9",
      startedAt: Date.parse("2026-11-26T00:00:00Z"),
      model: "gpt-y",
      offering: "gpt-x@azure",
      inputTokens: 1000,
      outputTokens: 0,
      costUsd: 0.002,
    });
    const report = await whatIfReport([fallback], fixtureConfig, options);
    expect(report.models.map((model) => model.model)).toEqual(["gpt-x"]);
    // aws at the cut price: 1,000 × $0.8 = $0.0008
    expect(report.models[0]?.offerings[1]?.costUsd).toBeCloseTo(0.0008, 9);
  });
});
