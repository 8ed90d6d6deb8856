import { describe, expect, it } from "vitest";
import { demoConfigDocument, placeholderUpstreams } from "../config/demo.js";
import { resolveConfig } from "../config/load.js";
import { HealthTracker } from "../health/tracker.js";
import { PlanningService } from "./planning-service.js";

const DAY = 86_400_000;
const start = Date.UTC(2026, 10, 26, 12);
const config = resolveConfig(
  demoConfigDocument(placeholderUpstreams(), "sk-planning-service", 0, start),
  "test",
  {},
);
const features = {
  model: "gpt-nova",
  capabilities: [],
  stream: false,
  promptTokens: undefined,
  maxOutputTokens: undefined,
};

function service() {
  let now = start;
  const health = new HealthTracker(config.health);
  const planner = new PlanningService(config, health, () => now);
  return { planner, health, setNow: (instant: number) => (now = instant) };
}
const providers = (plan: { candidates: readonly { provider: { id: string } }[] }) =>
  plan.candidates.map((candidate) => candidate.provider.id);

describe("PlanningService's plan cache", () => {
  it("reuses a preferred plan until the next availability boundary", () => {
    const { planner, setNow } = service();
    const first = planner.plan("demo", features, {});
    expect(planner.plan("demo", features, {})).toBe(first);
    expect(providers(first)).toEqual(["azure-eastus", "azure-swedencentral"]);
    // The launch window closes 20 days after `start`: the cached plan must not outlive it.
    setNow(start + 20 * DAY);
    expect(providers(planner.plan("demo", features, {}))).toEqual([
      "azure-eastus",
      "azure-swedencentral",
      "aws-us-east-1",
      "gcp-europe-west4",
    ]);
  });

  it("drops a plan when a circuit changes state, and when it half-opens", () => {
    const { planner, health, setNow } = service();
    planner.plan("demo", features, {});
    health.record("gpt-nova@azure-eastus", { ok: false, retryAfterMs: 5_000 }, start);
    const open = planner.plan("demo", features, {});
    expect(providers(open)).toEqual(["azure-swedencentral"]);
    expect(open.excluded[0]?.reason).toBe("circuit open until 12:00:05Z");
    setNow(start + 5_000);
    const probing = planner.plan("demo", features, {});
    expect(probing.candidates[0]?.reason).toMatch(/\(half-open probe\)$/);
  });

  it("makes per-request plans for strategies that read the request or live data", () => {
    const { planner } = service();
    const cheapest = { strategy: "cheapest" as const };
    expect(planner.plan("demo", features, cheapest)).not.toBe(planner.plan("demo", features, cheapest));
  });
});

describe("issue 9: x-switchyard-region names a region or geography the catalog knows", () => {
  const { planner } = service();
  const region = (value: string) =>
    planner.overrides("demo", { strategy: undefined, providers: undefined, region: value });

  it("accepts the providers' regions, their geographies and every known geography", () => {
    expect(region("eu, us-east-1, swedencentral").regions).toEqual(["eu", "us-east-1", "swedencentral"]);
    expect(region("apac").regions).toEqual(["apac"]);
  });

  it("refuses a region no provider is in (mars) with a 400 naming the header", () => {
    expect(() => region("eu,mars")).toThrow(
      expect.objectContaining({ code: "invalid_request", param: "x-switchyard-region" }),
    );
    expect(() => region("mars")).toThrow(
      /x-switchyard-region: unknown region or geography "mars" \(known: .*eu/,
    );
  });
});

describe("issue 9: the models a tenant could be routed to now (GET /v1/models)", () => {
  it("leaves out a model whose every offering is outside the tenant's boundary", () => {
    const { planner } = service();
    const eu = planner.servableModels("eu-only");
    expect([...eu].sort()).toEqual([
      "claude-sonnet-4-6",
      "gemini-2.5-flash",
      "gemini-embedding-001",
      "gpt-nova",
      "gpt-oss-120b",
      "llama-3.3-70b",
    ]);
    expect(planner.servableModels("demo").size).toBe(config.models.size);
  });

  it("is kept per tenant until the next availability boundary, then made again", () => {
    const { planner, setNow } = service();
    // Before the Azure exclusivity ended, gpt-oss-120b was on Azure East US only: not for the EU tenant.
    setNow(Date.UTC(2025, 9, 27, 12));
    const before = planner.servableModels("eu-only");
    expect(before.has("gpt-oss-120b")).toBe(false);
    expect(planner.servableModels("eu-only")).toBe(before);
    setNow(Date.UTC(2025, 9, 28, 0));
    expect(planner.servableModels("eu-only").has("gpt-oss-120b")).toBe(true);
  });

  it("counts a fallback model the tenant routes to", () => {
    const document = demoConfigDocument(placeholderUpstreams(), "sk-planning-service", 0, start) as {
      tenants: Record<string, { policy: Record<string, unknown> }>;
    };
    const eu = document.tenants["eu-only"];
    if (eu !== undefined) eu.policy.fallbacks = { "gpt-4o-mini": ["gpt-oss-120b"] };
    const withFallback = resolveConfig(document, "test", {});
    const planner = new PlanningService(withFallback, new HealthTracker(withFallback.health), () => start);
    expect(planner.servableModels("eu-only").has("gpt-4o-mini")).toBe(true);
  });
});
