import { describe, expect, it } from "vitest";
import { fixtureConfig, fixtureRows, ledgerRow } from "./fixture-ledger.js";
import { parseReportOptions } from "./options.js";
import { renderReport } from "./render.js";
import { runReport } from "./run-report.js";

async function run(kind: string, raw: Record<string, string> = {}) {
  const parsed = parseReportOptions(kind, { from: "2026-10-01", to: "2026-11-30", ...raw }, fixtureConfig);
  return runReport(parsed.kind, fixtureRows, fixtureConfig, parsed.options);
}

describe("renderReport", () => {
  it("spend as a text table, the total last", async () => {
    const text = renderReport(await run("spend"), "text");
    expect(text.split("\n").slice(0, 3)).toEqual([
      "Spend by tenant, 2026-10-01 – 2026-11-30, all tenants",
      "",
      expect.stringMatching(
        /^ {2}tenant +requests +failed +input +cached +cache write +output +reasoning +cost/,
      ),
    ]);
    expect(text).toMatch(/\n {2}default +6 +1 +24,000 +16,000 +0 +2,900 +0 +\$0\.056800 +0 +0\n/);
    expect(text).toMatch(/\n {2}total +7 +1 .* \$0\.058900 +0 +0\n$/);
  });

  it("JSON: ISO instants, rounded money, nulls for absent values", async () => {
    const json = JSON.parse(renderReport(await run("whatif"), "json")) as Record<string, unknown>;
    expect(json).toMatchObject({
      kind: "whatif",
      from: "2026-10-01T00:00:00.000Z",
      to: "2026-12-01T00:00:00.000Z",
      tenant: null,
      paidUsd: 0.0589,
      cheapestUsd: 0.0471,
      preferencePremiumUsd: 0.0118,
    });
    const providers = JSON.parse(renderReport(await run("providers"), "json")) as { lines: unknown[] };
    expect(providers.lines[1]).toMatchObject({ key: "gcp", ttftP50Ms: null });
  });

  it("CSV: one header, RFC 4180 quoting, the what-if's offerings then its clouds", async () => {
    const csv = renderReport(await run("whatif"), "csv");
    const lines = csv.split("\r\n");
    expect(lines[0]).toBe(
      "model,offering,cloud,requests,served,served_usd,eligible,cost_usd,paid_usd,saving_usd,saving_share,ineligible_share," +
        "ineligible_exclusive,ineligible_launch_window,ineligible_not_offered,ineligible_boundary,ineligible_policy,ineligible_capability,ineligible_unpriced",
    );
    expect(lines[2]).toBe("gpt-x,gpt-x@aws,aws,4,0,0,2,0.0138,0.022,0.0082,0.372727273,0.5,1,0,0,1,0,0,0");
    expect(lines.at(-2)).toMatch(/^\(all\),gcp,gcp,6,1,/);
    expect(lines.at(-1)).toBe("");
    const quoted = await runReport(
      "spend",
      [
        ledgerRow({
          requestId: "q",
          startedAt: Date.UTC(2026, 10, 2),
          keyId: 'a "team", b',
          offering: "gpt-x@azure",
        }),
      ],
      fixtureConfig,
      parseReportOptions("spend", { by: "key" }, fixtureConfig).options,
    );
    expect(renderReport(quoted, "csv").split("\r\n")[1]).toMatch(/^"a ""team"", b",1,/);
  });

  it("the what-if text says what was paid, the cheapest, the premium and why clouds could not serve", async () => {
    const text = renderReport(await run("whatif"), "text");
    expect(text).toContain(
      "6 requests cost $0.058900. On the cheapest offering eligible at each request's time: $0.047100 ($0.011800 less, 20.0%).",
    );
    expect(text).toMatch(
      /\n {2}aws +0 \(\$0\.000000\) +3\/6 +\$0\.024600 +\$0\.036400 +\$0\.011800 +32\.4% +50\.0% \(exclusive 1, launch-window 1, boundary 1\)\n/,
    );
    expect(text).toContain(
      "  launch-window gpt-y@aws: launch window until 2026-11-15 (launch partner: azure)",
    );
  });
});

describe("docs/reports.md", () => {
  it("shows the renderers' real output on the fixture ledger", async () => {
    const { readFileSync } = await import("node:fs");
    const page = readFileSync(new URL("../../../docs/reports.md", import.meta.url), "utf8");
    for (const [kind, raw] of [
      ["spend", {}],
      ["spend", { by: "day" }],
      ["providers", {}],
      ["whatif", {}],
    ] as const)
      expect(page).toContain(renderReport(await run(kind, raw), "text").trimEnd());
    expect(page).toContain(
      renderReport(await run("whatif"), "csv")
        .replaceAll("\r\n", "\n")
        .trimEnd(),
    );
  });
});
