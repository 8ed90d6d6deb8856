import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { availabilityAt } from "../catalog/agreements.js";
import { regionMatches } from "../catalog/regions.js";
import { parseInstant } from "../catalog/time.js";
import { resolveConfig } from "../config/load.js";
import { strategies } from "../config/schema.js";
import type { Capability, PolicyConfig, Strategy } from "../config/types.js";
import type { HealthView, OfferingHealth } from "../health/health-view.js";
import { noHealth } from "../health/health-view.js";
import type { Plan } from "./plan.js";
import { explainEmptyPlan, planRequest, type PlanInput, type RequestFeatures } from "./planner.js";

const at = (text: string): number => parseInstant(text) ?? Number.NaN;

const config = resolveConfig(
  {
    keys: [{ name: "k", key: "sk-planner-test" }],
    providers: {
      "azure-eastus": { kind: "openai-compatible", base_url: "http://127.0.0.1:1/v1", region: "eastus" },
      "azure-sweden": {
        kind: "openai-compatible",
        base_url: "http://127.0.0.1:2/v1",
        region: "swedencentral",
      },
      "aws-us": { kind: "openai-compatible", base_url: "http://127.0.0.1:3/v1", region: "us-east-1" },
      "gcp-eu": { kind: "openai-compatible", base_url: "http://127.0.0.1:4/v1", region: "europe-west4" },
      openai: { kind: "openai", api_key: "sk-x", base_url: "http://127.0.0.1:5/v1" },
    },
    models: {
      "gpt-x": { vendor: "openai", release_date: "2026-11-10", capabilities: ["chat", "tools", "vision"] },
      "gpt-x-mini": { vendor: "openai", release_date: "2025-06-01", capabilities: ["chat", "tools"] },
      llama: { vendor: "meta", capabilities: ["chat", "tools"] },
    },
    offerings: [
      { model: "gpt-x", provider: "azure-eastus", price: { input: 2, output: 8 } },
      { model: "gpt-x", provider: "azure-sweden", price: { input: 2.2, output: 8.8 } },
      { model: "gpt-x", provider: "aws-us", price: { input: 1.5, output: 9 }, capabilities: ["chat"] },
      { model: "gpt-x", provider: "gcp-eu", price: { input: 1.8, output: 7 } },
      { model: "gpt-x", provider: "openai", price: { input: 2.5, output: 10 } },
      { model: "gpt-x-mini", provider: "azure-eastus", price: { input: 0.2, output: 0.8 } },
      { model: "gpt-x-mini", provider: "gcp-eu", price: { input: 0.15, output: 0.9 } },
      { model: "llama", provider: "aws-us", price: { input: 0.7, output: 0.9 } },
      { model: "llama", provider: "gcp-eu", price: { input: 0.6, output: 1.2 } },
      { model: "llama", provider: "openai" },
    ],
    agreements: [
      {
        vendor: "openai",
        channel: ["azure-eastus", "azure-sweden"],
        terms: "exclusive",
        effective_until: "2025-10-28",
      },
      {
        vendor: "openai",
        channel: ["azure-eastus", "azure-sweden"],
        terms: "launch-partner",
        window: "P30D",
        effective_from: "2025-10-28",
      },
    ],
  },
  "test",
  {},
);
const defaults = config.tenants.get("default")?.policy as PolicyConfig;
const policy = (overrides: Partial<PolicyConfig>): PolicyConfig => ({ ...defaults, ...overrides });
const features = (overrides: Partial<RequestFeatures> = {}): RequestFeatures => ({
  model: "gpt-x",
  capabilities: [],
  stream: false,
  promptTokens: 1_000,
  maxOutputTokens: 500,
  ...overrides,
});
const input = (overrides: Partial<PlanInput> = {}): PlanInput => ({
  catalog: config,
  policy: defaults,
  overrides: {},
  health: noHealth,
  request: features(),
  now: at("2026-11-26"),
  random: 0,
  ...overrides,
});
const providersOf = (plan: ReturnType<typeof planRequest>): string[] =>
  plan.candidates.map((candidate) => candidate.provider.id);

describe("planner", () => {
  it("preferred: the launch partner first, and other clouds excluded inside the launch window", () => {
    const plan = planRequest(input());
    expect(providersOf(plan)).toEqual(["azure-eastus", "azure-sweden"]);
    expect(plan.candidates[0]?.reason).toBe("preferred: launch partner of openai");
    expect(plan.excluded.map((e) => [e.offering.provider, e.reason])).toEqual([
      ["aws-us", "launch window until 2026-12-10 (launch partner: azure-eastus, azure-sweden)"],
      ["gcp-eu", "launch window until 2026-12-10 (launch partner: azure-eastus, azure-sweden)"],
      ["openai", "launch window until 2026-12-10 (launch partner: azure-eastus, azure-sweden)"],
    ]);
  });

  it("preferred after the window: partners first, then the tenant's order, then price", () => {
    const after = at("2026-12-10");
    expect(providersOf(planRequest(input({ now: after })))).toEqual([
      "azure-eastus",
      "azure-sweden",
      "gcp-eu",
      "aws-us",
      "openai",
    ]);
    const ordered = planRequest(input({ now: after, policy: policy({ order: ["openai"] }) }));
    expect(providersOf(ordered).slice(2)).toEqual(["openai", "gcp-eu", "aws-us"]);
    expect(ordered.candidates[2]?.reason).toBe("preferred: tenant order #1");
  });

  it("cheapest: by this request's expected cost, so the prompt/output mix matters", () => {
    const now = at("2026-12-10");
    const promptHeavy = planRequest(
      input({
        now,
        policy: policy({ strategy: "cheapest" }),
        request: features({ promptTokens: 100_000, maxOutputTokens: 10 }),
      }),
    );
    expect(providersOf(promptHeavy)[0]).toBe("aws-us"); // lowest input price
    const outputHeavy = planRequest(
      input({
        now,
        policy: policy({ strategy: "cheapest" }),
        request: features({ promptTokens: 10, maxOutputTokens: 100_000 }),
      }),
    );
    expect(providersOf(outputHeavy)[0]).toBe("gcp-eu"); // lowest output price
    expect(outputHeavy.candidates[0]?.reason).toMatch(/^cheapest: est\. \$0\.7 for this request$/);
  });

  it("fastest: by live latency; unmeasured offerings last", () => {
    const health: HealthView = {
      ...noHealth,
      of: (id) => ({ "gpt-x@azure-sweden": healthy(120), "gpt-x@azure-eastus": healthy(300) })[id],
    };
    const plan = planRequest(input({ health, policy: policy({ strategy: "fastest" }) }));
    expect(providersOf(plan)).toEqual(["azure-sweden", "azure-eastus"]);
    expect(plan.candidates[0]?.reason).toBe("fastest: latency 120 ms (ewma)");
  });

  it("excludes what the tenant's boundary leaves out, and says why", () => {
    const plan = planRequest(
      input({
        now: at("2026-12-10"),
        policy: policy({ allowRegions: ["eu"], denyProviders: new Set(["gcp-eu"]) }),
      }),
    );
    expect(providersOf(plan)).toEqual(["azure-sweden"]);
    expect(plan.excluded.find((e) => e.offering.provider === "azure-eastus")?.reason).toBe(
      "region eastus is not allowed by the tenant's policy (eu)",
    );
    expect(plan.excluded.find((e) => e.offering.provider === "gcp-eu")?.reason).toBe(
      "provider gcp-eu is denied by the tenant's policy",
    );
    expect(plan.excluded.every((e) => e.boundary)).toBe(true);
  });

  it("says why a plan is empty: region eu inside the launch window", () => {
    const plan = planRequest(
      input({ overrides: { regions: ["eu"] }, policy: policy({ denyProviders: new Set(["azure-sweden"]) }) }),
    );
    expect(plan.candidates).toEqual([]);
    expect(explainEmptyPlan(plan)).toContain(
      "gcp-eu: launch window until 2026-12-10 (launch partner: azure-eastus, azure-sweden)",
    );
  });

  it("needs capabilities, max_price, an open circuit and the context window", () => {
    const now = at("2026-12-10");
    const open: HealthView = {
      ...noHealth,
      of: (id) =>
        id === "gpt-x@gcp-eu" ? { ...healthy(100), state: "open", openUntil: now + 65_000 } : undefined,
    };
    const plan = planRequest(
      input({
        now,
        health: open,
        policy: policy({ maxPrice: { input: 2.2, output: undefined } }),
        request: features({ capabilities: ["tools"] }),
      }),
    );
    const reasons = Object.fromEntries(plan.excluded.map((e) => [e.offering.provider, e.reason]));
    expect(reasons).toEqual({
      "aws-us": "no tools support on this offering",
      openai: "input price $2.5/1M is over max_price $2.2/1M",
      "gcp-eu": "circuit open until 00:01:05Z",
    });
  });

  it("falls back to the tenant's fallback model after the model's own candidates", () => {
    const plan = planRequest(
      input({ policy: policy({ fallbacks: new Map([["gpt-x", ["gpt-x-mini"]]]), allowRegions: ["eu"] }) }),
    );
    expect(plan.candidates.map((c) => c.offering.id)).toEqual(["gpt-x@azure-sweden", "gpt-x-mini@gcp-eu"]);
    expect(plan.candidates[1]?.reason).toMatch(/^fallback model gpt-x-mini; preferred: /);
  });

  it("pinned: exactly the pinned offering, or the top preferred one", () => {
    const pinned = planRequest(
      input({ policy: policy({ strategy: "pinned", pins: new Map([["gpt-x", "azure-sweden"]]) }) }),
    );
    expect(providersOf(pinned)).toEqual(["azure-sweden"]);
    const top = planRequest(input({ policy: policy({ strategy: "pinned" }) }));
    expect(providersOf(top)).toEqual(["azure-eastus"]);
    expect(top.excluded.at(-1)?.reason).toBe("pinned to azure-eastus");
  });

  it("weighted: draws the first candidate by weight with the random number it is given", () => {
    const weights = new Map([
      ["azure-eastus", 1],
      ["azure-sweden", 3],
    ]);
    const draw = (random: number) =>
      providersOf(planRequest(input({ random, policy: policy({ strategy: "weighted", weights }) })));
    // Heaviest first: azure-sweden takes [0, 0.75), azure-eastus [0.75, 1).
    expect(draw(0.1)).toEqual(["azure-sweden", "azure-eastus"]);
    expect(draw(0.74)).toEqual(["azure-sweden", "azure-eastus"]);
    expect(draw(0.75)).toEqual(["azure-eastus", "azure-sweden"]);
  });
});

function healthy(latencyMs: number): OfferingHealth {
  return {
    state: "closed",
    openUntil: undefined,
    streamsOnly: false,
    latencyMs,
    ttftMs: undefined,
    errorRate: 0,
    samples: 5,
  };
}

describe("planner invariants (fast-check)", () => {
  const providerIds = [...config.providers.keys()];
  const capabilityList: Capability[] = ["tools", "vision"];
  const arbitraryInput = fc
    .record({
      model: fc.constantFrom("gpt-x", "gpt-x-mini", "llama"),
      strategy: fc.constantFrom<Strategy>(...strategies),
      allow: fc.option(fc.subarray(providerIds), { nil: undefined }),
      deny: fc.subarray(providerIds),
      allowRegions: fc.option(fc.subarray(["us", "eu", "eastus", "europe-west4", "us-east-1"]), {
        nil: undefined,
      }),
      overrideRegions: fc.option(fc.subarray(["us", "eu", "swedencentral"], { minLength: 1 }), {
        nil: undefined,
      }),
      maxInput: fc.option(fc.double({ min: 0, max: 3, noNaN: true }), { nil: undefined }),
      capabilities: fc.subarray(capabilityList),
      promptTokens: fc.option(fc.integer({ min: 0, max: 200_000 }), { nil: undefined }),
      now: fc.integer({ min: at("2025-01-01"), max: at("2027-06-01") }),
      random: fc.double({ min: 0, max: 0.999_999, noNaN: true }),
      openCircuits: fc.subarray(config.offerings.map((o) => o.id)),
      pin: fc.option(fc.constantFrom(...providerIds), { nil: undefined }),
      fallback: fc.boolean(),
    })
    .map((v): PlanInput => {
      const health: HealthView = {
        ...noHealth,
        of: (id, now) =>
          v.openCircuits.includes(id) ? { ...healthy(50), state: "open", openUntil: now + 1_000 } : undefined,
      };
      return input({
        now: v.now,
        random: v.random,
        health,
        overrides: { regions: v.overrideRegions },
        request: features({ model: v.model, capabilities: v.capabilities, promptTokens: v.promptTokens }),
        policy: policy({
          strategy: v.strategy,
          allowProviders: v.allow === undefined ? undefined : new Set(v.allow),
          denyProviders: new Set(v.deny),
          allowRegions: v.allowRegions,
          maxPrice: { input: v.maxInput, output: undefined },
          pins: v.pin === undefined ? new Map() : new Map([[v.model, v.pin]]),
          fallbacks: v.fallback && v.model === "gpt-x" ? new Map([["gpt-x", ["gpt-x-mini"]]]) : new Map(),
        }),
      });
    });

  it("never plans an offering outside the tenant's boundary or ineligible at now", () => {
    fc.assert(
      fc.property(arbitraryInput, (planInput) => {
        const plan = planRequest(planInput);
        const p = planInput.policy;
        for (const { offering } of plan.candidates) {
          expect(p.denyProviders.has(offering.provider)).toBe(false);
          if (p.allowProviders !== undefined) expect(p.allowProviders.has(offering.provider)).toBe(true);
          if (p.allowRegions !== undefined)
            expect(p.allowRegions.some((r) => regionMatches(r, offering.region, offering.geo))).toBe(true);
          expect(availabilityAt(offering, config, planInput.now).available).toBe(true);
          for (const capability of planInput.request.capabilities)
            expect(offering.capabilities.has(capability)).toBe(true);
          expect(planInput.health.of(offering.id, planInput.now)?.state).not.toBe("open");
        }
      }),
      { numRuns: 300 },
    );
  });

  it("pinned has exactly one candidate whenever preferred has any (and no pin is set)", () => {
    fc.assert(
      fc.property(arbitraryInput, (planInput) => {
        if (planInput.policy.strategy !== "pinned") return;
        const plan = planRequest(planInput);
        expect(plan.candidates.length).toBeLessThanOrEqual(1);
        if (planInput.policy.pins.size === 0) {
          const preferred = planRequest({
            ...planInput,
            policy: { ...planInput.policy, strategy: "preferred" },
          });
          const ownModel = preferred.candidates.filter((c) => c.offering.model === planInput.request.model);
          expect(plan.candidates.length).toBe(ownModel.length > 0 ? 1 : 0);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("gives the same plan for the same inputs, and accounts for every offering of the model", () => {
    fc.assert(
      fc.property(arbitraryInput, (planInput) => {
        const first = planRequest(planInput);
        expect(planRequest(planInput)).toEqual(first);
        const own = config.offerings.filter((o) => o.model === planInput.request.model).map((o) => o.id);
        const seen = [...first.candidates, ...first.excluded]
          .map((item) => item.offering.id)
          .filter((id) => own.includes(id));
        expect(seen.sort()).toEqual([...own].sort());
      }),
      { numRuns: 300 },
    );
  });
});

describe("planner prices", () => {
  const dated = resolveConfig(
    {
      keys: [{ name: "k", key: "sk-planner-prices" }],
      providers: {
        a: { kind: "openai-compatible", base_url: "http://127.0.0.1:1/v1" },
        b: { kind: "openai-compatible", base_url: "http://127.0.0.1:2/v1" },
      },
      models: { m: { vendor: "v", capabilities: ["chat"] } },
      offerings: [
        { model: "m", provider: "a", price: { input: 2, output: 8 } },
        {
          model: "m",
          provider: "b",
          prices: [
            { input: 3, output: 12 },
            { from: "2026-12-01", input: 1, output: 4 },
          ],
        },
      ],
    },
    "test",
    {},
  );
  const cheapest = (now: string, maxInput?: number): Plan =>
    planRequest(
      input({
        catalog: dated,
        policy: policy({ strategy: "cheapest", maxPrice: { input: maxInput, output: undefined } }),
        request: features({ model: "m" }),
        now: at(now),
      }),
    );

  it("estimates cost and checks max_price with the price in force at the plan's instant", () => {
    expect(providersOf(cheapest("2026-11-30T23:59:59Z"))).toEqual(["a", "b"]);
    // 1,000 prompt × $1/1M + 500 output × $4/1M = $0.003
    expect(cheapest("2026-12-01").candidates.map((c) => [c.provider.id, c.expectedCostUsd])).toEqual([
      ["b", 0.003],
      ["a", 0.006],
    ]);
    expect(cheapest("2026-11-30", 2.5).excluded.map((e) => e.reason)).toEqual([
      "input price $3/1M is over max_price $2.5/1M",
    ]);
    expect(cheapest("2026-12-01", 2.5).excluded).toEqual([]);
  });
});
