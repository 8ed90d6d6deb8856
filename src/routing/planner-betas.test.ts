import { describe, expect, it } from "vitest";
import { resolveConfig } from "../config/load.js";
import type { PolicyConfig } from "../config/types.js";
import { noHealth } from "../health/health-view.js";
import { emptyPlanError } from "./empty-plan.js";
import { planRequest, type PlanInput, type RequestFeatures } from "./planner.js";

/** Claude on four offerings (Anthropic, Vertex, Bedrock invoke and converse): issue 14, item 4. */
const config = resolveConfig(
  {
    keys: [{ name: "k", key: "sk-planner-betas" }],
    providers: {
      anthropic: { kind: "anthropic", api_key: "sk-ant", base_url: "http://127.0.0.1:1" },
      vertex: {
        kind: "vertex",
        region: "us-east5",
        project: "p",
        access_token: "t",
        endpoint: "http://127.0.0.1:2",
      },
      "aws-invoke": { kind: "bedrock", region: "us-east-1", api_key: "k", endpoint: "http://127.0.0.1:3" },
      "aws-converse": { kind: "bedrock", region: "us-west-2", api_key: "k", endpoint: "http://127.0.0.1:4" },
    },
    models: {
      claude: { vendor: "anthropic", capabilities: ["chat", "tools"], context_window: 200_000 },
    },
    offerings: [
      { model: "claude", provider: "anthropic" },
      { model: "claude", provider: "vertex" },
      { model: "claude", provider: "aws-invoke", api: "invoke" },
      { model: "claude", provider: "aws-converse" },
    ],
  },
  "test",
  {},
);
const policy = config.tenants.get("default")?.policy as PolicyConfig;
const features = (overrides: Partial<RequestFeatures>): RequestFeatures => ({
  model: "claude",
  capabilities: [],
  stream: false,
  promptTokens: 1_000,
  maxOutputTokens: 1_000,
  ...overrides,
});
const plan = (request: RequestFeatures) =>
  planRequest({
    catalog: config,
    policy,
    overrides: {},
    health: noHealth,
    request,
    now: Date.parse("2026-06-01T00:00:00Z"),
    random: 0,
  } satisfies PlanInput);
const providers = (planned: ReturnType<typeof plan>) => planned.candidates.map((c) => c.provider.id);

describe("planner: anthropic-beta flags", () => {
  it("a flag no cloud but Anthropic takes, when not needed, excludes nothing (it is stripped later)", () => {
    const planned = plan(features({ betas: ["files-api-2025-04-14", "interleaved-thinking-2025-05-14"] }));
    expect(providers(planned)).toEqual(["anthropic", "vertex", "aws-invoke", "aws-converse"]);
    expect(planned.excluded).toEqual([]);
  });

  it("context-1m with a prompt over 200k: clouds taking the flag get a 1M window, the others are out with the reason", () => {
    const planned = plan(features({ promptTokens: 450_000, betas: ["context-1m-2025-08-07"] }));
    expect(providers(planned)).toEqual(["anthropic", "vertex", "aws-invoke", "aws-converse"]);
    // Without the flag, the same prompt fits nowhere: the standard window applies.
    const without = plan(features({ promptTokens: 450_000 }));
    expect(providers(without)).toEqual([]);
    expect(without.excluded[0]?.reason).toBe("prompt of 450000 tokens exceeds the context window of 200000");
  });

  it("output-128k with max_tokens over 64k: Vertex does not take it and is left out, naming the flag", () => {
    const planned = plan(features({ maxOutputTokens: 100_000, betas: ["output-128k-2025-02-19"] }));
    expect(providers(planned)).toEqual(["anthropic", "aws-invoke", "aws-converse"]);
    expect(planned.excluded.map((e) => [e.offering.provider, e.kind, e.param, e.reason])).toEqual([
      [
        "vertex",
        "input",
        "anthropic-beta",
        "anthropic-beta output-128k-2025-02-19: max_tokens 100000 needs 128k output, which vertex does not take",
      ],
    ]);
    // Not needed (a small max_tokens): nobody is left out; the flag is stripped on Vertex instead.
    expect(plan(features({ betas: ["output-128k-2025-02-19"] })).excluded).toEqual([]);
  });

  it("when no offering can take a needed flag, the client gets a 400 naming anthropic-beta", () => {
    const only = { ...config, offerings: config.offerings.filter((o) => o.provider === "vertex") };
    const planned = planRequest({
      catalog: only,
      policy,
      overrides: {},
      health: noHealth,
      request: features({ maxOutputTokens: 100_000, betas: ["output-128k-2025-02-19"] }),
      now: 0,
      random: 0,
    });
    const error = emptyPlanError(planned, 0);
    expect(error.code).toBe("unsupported_parameter");
    expect(error.param).toBe("anthropic-beta");
    expect(error.message).toContain("output-128k-2025-02-19");
  });
});
