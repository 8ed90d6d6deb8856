import { describe, expect, it } from "vitest";
import { demoConfigDocument, placeholderUpstreams } from "../config/demo.js";
import { resolveConfig } from "../config/load.js";
import type { OfferingConfig } from "../config/types.js";
import { GatewayError } from "../errors/gateway-error.js";
import { buildReport } from "./finish.js";
import { RequestTrace } from "./request-trace.js";

const config = resolveConfig(
  demoConfigDocument(placeholderUpstreams(), "sy-demo-unit-test-key", 4800),
  "demo",
  {},
);
const offering = config.offerings.find((each) => each.id === "gpt-4o-mini@openai") as OfferingConfig;
const provider = config.providers.get("openai");
const key = config.keys[0];

function trace(): RequestTrace {
  const traced = new RequestTrace("req_1", 1_700_000_000_000, 100, "openai", "chat.completions");
  traced.key = key;
  traced.model = "gpt-4o-mini";
  return traced;
}

function routed(traced: RequestTrace): RequestTrace {
  if (provider === undefined) throw new Error("demo has no openai provider");
  traced.route = {
    candidate: { offering, provider, reason: "preferred: by price", expectedCostUsd: undefined },
    warnings: [{ code: "parameter_ignored", param: "metadata", message: "not supported" }],
  };
  return traced;
}

const finished = { writableFinished: true, headersSent: true, statusCode: 200 };

describe("buildReport", () => {
  it("prices cached reads at the cached price and the rest at the input price", () => {
    const traced = routed(trace());
    traced.usage = {
      inputTokens: 1_000_000,
      cachedInputTokens: 400_000,
      outputTokens: 100_000,
      totalTokens: 0,
    };
    const report = buildReport(traced, [], finished, 350);
    // gpt-4o-mini@openai: $0.15 in, $0.075 cached, $0.60 out per 1M tokens:
    // 600,000 × 0.15 + 400,000 × 0.075 + 100,000 × 0.6 = 0.09 + 0.03 + 0.06 = $0.18.
    expect(report.cost?.usd).toBeCloseTo(0.18, 12);
    expect(report.usage).toEqual({
      inputTokens: 1_000_000,
      cachedInputTokens: 400_000,
      cacheWriteInputTokens: 0,
      outputTokens: 100_000,
      reasoningTokens: 0,
      estimated: false,
    });
    expect(report.latencyMs).toBe(250);
    expect(report.warnings).toEqual(["parameter_ignored=metadata"]);
    expect(report.route).toEqual({
      offering: "gpt-4o-mini@openai",
      provider: "openai",
      region: offering.region,
      reason: "preferred: by price",
    });
  });

  it("estimates usage, and says so, when an offering answered without reporting any", () => {
    const traced = routed(trace());
    traced.chat = {
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: [{ type: "text", text: "x".repeat(400) }] }],
      stream: true,
    } as unknown as RequestTrace["chat"];
    traced.outputChars = 81;
    const usage = buildReport(traced, [], finished, 200).usage;
    expect(usage?.estimated).toBe(true);
    expect(usage?.outputTokens).toBe(21);
    expect(usage?.inputTokens).toBeGreaterThan(0);
  });

  it("has no usage and no cost when no offering answered", () => {
    const report = buildReport(trace(), [], { ...finished, statusCode: 503 }, 200);
    expect(report.usage).toBeUndefined();
    expect(report.cost).toBeUndefined();
    expect(report.outcome).toBe("error");
  });

  it.each([
    ["ok", finished, {}],
    ["error", { ...finished, statusCode: 429 }, {}],
    ["client_gone", { writableFinished: false, headersSent: false, statusCode: 200 }, {}],
    ["shutdown", { writableFinished: false, headersSent: true, statusCode: 200 }, { cutByShutdown: true }],
    ["stream_error", finished, { streamFailed: true, error: new GatewayError("upstream_stream_error", "x") }],
    ["shutdown", finished, { cutByShutdown: true }],
  ] as const)("tells the outcome %s", (outcome, response, fields) => {
    const traced = Object.assign(trace(), fields);
    expect(buildReport(traced, [], response, 200).outcome).toBe(outcome);
  });

  it("reports 499 for a client that left before any status was sent", () => {
    const report = buildReport(
      trace(),
      [],
      { writableFinished: false, headersSent: false, statusCode: 200 },
      200,
    );
    expect(report.status).toBe(499);
  });
});
