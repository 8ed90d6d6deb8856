import { describe, expect, it } from "vitest";
import { demoConfigDocument, placeholderUpstreams } from "../config/demo.js";
import { resolveConfig } from "../config/load.js";
import type { GatewayError } from "../errors/gateway-error.js";
import { HealthTracker } from "../health/tracker.js";
import { parseChatRequest } from "../ingress/openai/parse-chat-request.js";
import { emptyPlanError } from "./empty-plan.js";
import { planJson } from "./explain.js";
import type { RequestFeatures } from "./planner.js";
import { PlanningService } from "./planning-service.js";
import { requestInputs } from "./request-inputs.js";

const start = Date.UTC(2026, 10, 26, 12);
const config = resolveConfig(
  demoConfigDocument(placeholderUpstreams(), "sk-empty-plan", 0, start),
  "test",
  {},
);
/** The demo's Claude, sold by Anthropic, Bedrock (Converse) and Vertex in the US and the EU. */
const claude = [...config.models.values()].find((model) => model.vendor === "anthropic")?.id ?? "";

const withImage = (url: string): RequestFeatures => {
  const chat = parseChatRequest({
    model: claude,
    messages: [
      {
        role: "user",
        content: [
          { type: "text", text: "What is in this picture?" },
          { type: "image_url", image_url: { url } },
        ],
      },
    ],
  });
  return {
    model: claude,
    capabilities: ["vision"],
    stream: false,
    promptTokens: undefined,
    maxOutputTokens: undefined,
    inputs: requestInputs(chat),
  };
};
const link = withImage("https://example.com/yard.png");
const inline = withImage("data:image/png;base64,iVBORw0KGgo=");

function service() {
  const health = new HealthTracker(config.health);
  return { health, planner: new PlanningService(config, health, () => start) };
}
/** The demo catalog with the `demo` tenant's policy replaced. */
function bounded(policy: Record<string, unknown>): PlanningService {
  const document = demoConfigDocument(placeholderUpstreams(), "sk-empty-plan", 0, start) as Record<
    string,
    unknown
  >;
  const tenants = { ...(document.tenants as Record<string, unknown>), demo: { policy } };
  const boundedConfig = resolveConfig({ ...document, tenants }, "test", {});
  return new PlanningService(boundedConfig, new HealthTracker(boundedConfig.health), () => start);
}
const errorOf = (planner: PlanningService, ...args: Parameters<PlanningService["plan"]>): GatewayError =>
  emptyPlanError(planner.plan(...args), start);

describe("format limits are planning facts (issue 10, defect 3)", () => {
  it("an image link leaves Bedrock Converse out of the plan, with the reason in the explain output", () => {
    const { planner } = service();
    const plan = planner.plan("demo", link, {});
    const providers = plan.candidates.map((candidate) => candidate.provider.id);
    expect(providers).not.toContain("aws-us-east-1");
    expect(providers).toEqual(expect.arrayContaining(["anthropic", "gcp-us-central1", "gcp-europe-west4"]));
    expect(planJson(plan).excluded).toContainEqual({
      provider: "aws-us-east-1",
      offering: `${claude}@aws-us-east-1`,
      reason: expect.stringMatching(
        /^messages\[0\]\.content\[1\]\.image_url\.url: Bedrock Converse accepts images only as inline bytes/,
      ),
    });
  });

  it("inline image bytes keep Bedrock in, and the two plans are cached apart", () => {
    const { planner } = service();
    expect(planner.plan("demo", link, {}).candidates.map((c) => c.provider.id)).not.toContain(
      "aws-us-east-1",
    );
    expect(planner.plan("demo", inline, {}).candidates.map((c) => c.provider.id)).toContain("aws-us-east-1");
  });

  it("when every offering left is out for a format limit, the client gets the 400 naming the field", () => {
    // A tenant bounded to Bedrock: the others are outside its boundary, Bedrock cannot take a link.
    const planner = bounded({ providers: { allow: ["aws-us-east-1"] } });
    const plan = planner.plan("demo", link, {});
    expect(plan.candidates).toEqual([]);
    expect(emptyPlanError(plan, start)).toMatchObject({
      code: "unsupported_parameter",
      status: 400,
      param: "messages[0].content[1].image_url.url",
    });
    expect(emptyPlanError(plan, start).message).toContain(
      "Bedrock Converse accepts images only as inline bytes",
    );
  });
});

describe("the error for an empty plan says what could change it (issue 10, defect 5)", () => {
  const text: RequestFeatures = { ...inline, capabilities: [], inputs: undefined };

  it("open circuits: a 503 with Retry-After, the seconds until the first one closes", () => {
    const { planner, health } = service();
    const offerings = config.offerings.filter((offering) => offering.model === claude);
    offerings.forEach((offering, index) =>
      health.record(offering.id, { ok: false, retryAfterMs: 4_000 + index * 1_000 }, start - 500),
    );
    const error = errorOf(planner, "demo", text, {});
    expect(error).toMatchObject({ code: "no_offering_available", status: 503, retryAfterSeconds: 4 });
  });

  it("a header that narrows the plan to nothing: a 400 naming the header, not a 503", () => {
    const { planner } = service();
    const error = errorOf(planner, "demo", text, { regions: ["ap-southeast-2"] });
    expect(error).toMatchObject({
      code: "no_offering_in_overrides",
      status: 400,
      param: "x-switchyard-region",
    });
    expect(error.message).toContain("is not x-switchyard-region ap-southeast-2");
  });

  it("the tenant's boundary excludes every offering: a 403 that says so", () => {
    const planner = bounded({ regions: { allow: ["ap-southeast-2"] } });
    const error = emptyPlanError(planner.plan("demo", text, {}), start);
    expect(error).toMatchObject({ code: "no_offering_in_boundary", status: 403 });
    expect(error.message).toContain("is not allowed by the tenant's policy");
  });
});
