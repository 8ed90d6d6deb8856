import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PROVIDERS } from "../../src/config/demo.js";
import { DrillFleet, euKey } from "./harness/drill-fleet.js";
import { runDrill, type DrillReport } from "./harness/drill-runner.js";
import { endlessMixOf, mixOf, runLoad, type RequestResult } from "./harness/load.js";
import { demoModels, type DemoModels } from "./harness/models.js";
import { ReportBook } from "./harness/report-table.js";
import { drillTimeout, scale } from "./harness/scale.js";

/**
 * Fault drills: the gateway in front of the nine demo emulators under bounded load, with faults set on
 * providers over the emulators' HTTP control API, one at a time and in combinations. The target of each:
 * no client-visible failure while an eligible offering of the request's model stays healthy, no
 * internal error, and the EU-only tenant never served outside the EU. See docs/drills.md.
 */
let fleet: DrillFleet;
let models: DemoModels;
const book = new ReportBook("fault drills");
beforeAll(async () => {
  fleet = await DrillFleet.start();
  models = demoModels(fleet);
});
afterAll(async () => {
  book.print();
  await fleet?.close();
});

/** The targets every fault drill shares. */
function expectHealthyTargets(report: DrillReport): void {
  expect(report.failures).toEqual([]);
  expect(report.internalErrors).toEqual([]);
  expect(report.residencyViolations).toEqual([]);
}

const served = (report: DrillReport, provider: string): number =>
  report.results.filter((result) => result.provider === provider).length;

describe("one provider failing: every request still answered", () => {
  const timeout = drillTimeout(15_000, 180_000);

  it("a burst of 503s on the launch partner (azure-eastus)", { timeout }, async () => {
    const report = book.add(
      await runDrill(fleet, {
        name: "503 burst: azure-eastus",
        setup: (f) => f.fault("azure-eastus", { status: 503, count: Math.max(12, scale.requests / 4) }),
        load: mixOf(models.all, scale.requests),
      }),
    );
    expectHealthyTargets(report);
    expect(report.failovers).toBeGreaterThan(0);
  });

  it("429 with Retry-After on anthropic: its circuit opens for that long", { timeout }, async () => {
    const report = book.add(
      await runDrill(fleet, {
        name: "429 + Retry-After: anthropic",
        setup: (f) => f.fault("anthropic", { status: 429, retry_after_s: 2 }),
        load: mixOf(models.all, scale.requests),
      }),
    );
    expectHealthyTargets(report);
    expect(fleet.breakers.opened()).toContain(`${models.claude}@anthropic`);
    expect(served(report, "anthropic")).toBe(0);
  });

  it("connection resets on aws-us-east-1", { timeout }, async () => {
    const report = book.add(
      await runDrill(fleet, {
        name: "resets: aws-us-east-1",
        setup: (f) => f.fault("aws-us-east-1", { reset: true }),
        load: mixOf(models.all, scale.requests),
      }),
    );
    expectHealthyTargets(report);
    expect(served(report, "aws-us-east-1")).toBe(0);
  });

  it(
    "a stall before the response headers on gemini, streaming (first_token_ms 1 s)",
    { timeout },
    async () => {
      const report = book.add(
        await runDrill(fleet, {
          name: "stall before headers: gemini",
          setup: (f) => f.fault("gemini", { latency_ms: 5_000, match: "stream", count: 6 }),
          load: mixOf([models.gemini], Math.max(16, scale.requests / 3)),
        }),
      );
      expectHealthyTargets(report);
      expect(report.failovers).toBeGreaterThan(0);
    },
  );

  it("streams cut before their first byte (anthropic, azure-eastus)", { timeout }, async () => {
    const report = book.add(
      await runDrill(fleet, {
        name: "cut before first byte",
        setup: async (f) => {
          await f.fault("anthropic", { cut_after_chunks: 0, match: "stream" });
          await f.fault("azure-eastus", { cut_after_chunks: 1, match: "stream" });
        },
        load: mixOf(models.all, scale.requests, { stream: true }),
      }),
    );
    expectHealthyTargets(report);
    expect(report.failovers).toBeGreaterThan(0);
  });

  it(
    "errors hidden in 200 streams before any content (a Bedrock exception, an Anthropic error event)",
    { timeout },
    async () => {
      const report = book.add(
        await runDrill(fleet, {
          name: "hidden errors before content",
          setup: async (f) => {
            await f.fault("aws-us-east-1", {
              stream_error: true,
              stream_error_after_chunks: 1,
              match: "stream",
            });
            await f.fault("anthropic", { stream_error: true, stream_error_after_chunks: 1, match: "stream" });
          },
          load: mixOf([models.llama, models.claude], scale.requests, { stream: true }),
        }),
      );
      expectHealthyTargets(report);
      expect(served(report, "aws-us-east-1") + served(report, "anthropic")).toBe(0);
    },
  );

  it(
    "a provider down for a while, then back: its circuit opens, half-opens and closes",
    { timeout: drillTimeout(20_000, 300_000) },
    async () => {
      const report = book.add(
        await runDrill(fleet, {
          name: `down ${scale.downMs / 1000} s and back: azure-eastus`,
          setup: (f) => f.fault("azure-eastus", { reset: true }),
          during: async (f) => {
            await sleep(scale.downMs);
            await f.clearFault("azure-eastus");
            // Long enough for open_ms (1 s) to pass and a half-open probe to close the circuit.
            await sleep(2_000);
          },
          stopWithDuring: true,
          load: endlessMixOf(models.all),
        }),
      );
      expectHealthyTargets(report);
      expect(report.breakers["closed→open"]).toBeGreaterThan(0);
      expect(report.breakers["half-open→closed"]).toBeGreaterThan(0);
      const after = await runLoad(fleet.url, mixOf([models.gptMini], 4), { concurrency: 1 });
      expect(after.map((result) => result.provider)).toEqual(Array(4).fill("azure-eastus"));
    },
  );
});

describe("per provider: each one failing hard with 503s, alone", () => {
  it.each(DEMO_PROVIDERS.map((provider) => provider.name))(
    "%s",
    { timeout: drillTimeout(15_000, 120_000) },
    async (provider) => {
      const report = book.add(
        await runDrill(fleet, {
          name: `503 always: ${provider}`,
          setup: (f) => f.fault(provider, { status: 503 }),
          load: mixOf(models.all, scale.name === "long" ? scale.requests / 3 : 16),
        }),
      );
      expectHealthyTargets(report);
      expect(served(report, provider)).toBe(0);
    },
  );
});

describe("combinations", () => {
  const timeout = drillTimeout(15_000, 180_000);

  it("Claude: anthropic 429, Vertex US resets, Bedrock 503 — Vertex EU answers", { timeout }, async () => {
    const report = book.add(
      await runDrill(fleet, {
        name: "combo: 3 of 4 Claude clouds down",
        setup: async (f) => {
          await f.fault("anthropic", { status: 429, retry_after_s: 3 });
          await f.fault("gcp-us-central1", { reset: true });
          await f.fault("aws-us-east-1", { status: 503 });
        },
        load: mixOf(models.all, scale.requests),
      }),
    );
    expectHealthyTargets(report);
    const claude = report.results.filter((result) => result.request.model === models.claude);
    expect(new Set(claude.map((result) => result.provider))).toEqual(new Set(["gcp-europe-west4"]));
  });

  it(
    "every offering of one model down: only that model fails, with a clear 5xx, the others are answered",
    { timeout },
    async () => {
      const gemini = ["gemini", "gcp-us-central1", "gcp-europe-west4"];
      const report = book.add(
        await runDrill(fleet, {
          name: "combo: every Gemini cloud down",
          setup: async (f) => {
            for (const provider of gemini) await f.fault(provider, { status: 503 });
          },
          load: mixOf(models.all, scale.requests),
          // No eligible offering of Gemini is healthy; every other model still has one.
          mustSucceed: (result) => result.request.model !== models.gemini,
        }),
      );
      expectHealthyTargets(report);
      const failed = report.results.filter((result) => !result.ok);
      expect(failed.length).toBeGreaterThan(0);
      expect(new Set(failed.map((result) => result.status))).toEqual(new Set([503]));
    },
  );

  it("mixed faults on five providers at once, both tenants", { timeout }, async () => {
    const demo = mixOf(models.all, scale.requests);
    const eu = mixOf(models.all, scale.requests, { key: euKey });
    const report = book.add(
      await runDrill(fleet, {
        name: "combo: five providers, both tenants",
        setup: async (f) => {
          await f.fault("azure-eastus", { status: 503, count: 10 });
          await f.fault("anthropic", { status: 429, retry_after_s: 1 });
          await f.fault("aws-us-east-1", { cut_after_chunks: 0, match: "stream" });
          await f.fault("gemini", { latency_ms: 3_000, match: "stream", count: 2 });
          // The only EU offering of Llama: one failure, which the retry in place absorbs.
          await f.fault("llama-host", { status: 503, count: 1 });
        },
        load: (index) => (index % 2 === 0 ? demo(index / 2) : eu((index - 1) / 2)),
        // The EU-only tenant has no EU offering of gpt-4o-mini: a 503 is right for it.
        mustSucceed: (result) => !(result.request.key === euKey && result.request.model === models.gptMini),
      }),
    );
    expectHealthyTargets(report);
    expect(report.excused).toBeGreaterThan(0);
  });
});

describe("the EU-only tenant's boundary under faults", () => {
  const timeout = drillTimeout(15_000, 180_000);
  const us = ["openai", "azure-eastus", "aws-us-east-1", "anthropic", "gcp-us-central1"];
  const euModels = () => models.all.filter((model) => model !== models.gptMini);

  it(
    "US clouds failing: EU requests are served in the EU, none is even tried in the US",
    { timeout },
    async () => {
      const report = book.add(
        await runDrill(fleet, {
          name: "residency: US clouds failing",
          setup: async (f) => {
            for (const provider of us) await f.fault(provider, { status: 503 });
          },
          load: mixOf(euModels(), scale.requests, { key: euKey }),
        }),
      );
      expectHealthyTargets(report);
      for (const provider of us) expect(await fleet.requestCount(provider)).toBe(0);
    },
  );

  it("EU clouds failing: EU requests fail with a 503 rather than leave the EU", { timeout }, async () => {
    const report = book.add(
      await runDrill(fleet, {
        name: "residency: EU clouds failing",
        setup: async (f) => {
          for (const provider of ["azure-swedencentral", "gcp-europe-west4", "llama-host"])
            await f.fault(provider, { status: 503 });
        },
        load: mixOf(models.all, scale.requests, { key: euKey }),
        mustSucceed: () => false,
      }),
    );
    expectHealthyTargets(report);
    expect(report.excused).toBe(report.sent);
    // 503 while the EU offerings fail; a model with no EU offering at all may get a 4xx that says so.
    const refused = (result: RequestResult) =>
      result.status === 503 ||
      (result.request.model === models.gptMini && result.status >= 400 && result.status < 500);
    expect(report.results.filter((result) => !refused(result))).toEqual([]);
    for (const provider of us) expect(await fleet.requestCount(provider)).toBe(0);
  });
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
