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
