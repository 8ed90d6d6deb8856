import { describe, expect, it } from "vitest";
import { demoConfigDocument, placeholderUpstreams } from "../config/demo.js";
import { resolveConfig } from "../config/load.js";
import { HealthTracker } from "../health/tracker.js";
import { parseMessagesRequest } from "../ingress/anthropic/parse-messages-request.js";
import { emptyPlanError } from "./empty-plan.js";
import { planJson } from "./explain.js";
import type { RequestFeatures } from "./planner.js";
import { PlanningService } from "./planning-service.js";
import { inputsKey, requestInputs } from "./request-inputs.js";

const start = Date.UTC(2026, 10, 26, 12);
const config = resolveConfig(
  demoConfigDocument(placeholderUpstreams(), "sk-documents", 0, start),
  "test",
  {},
);
const claude = [...config.models.values()].find((model) => model.vendor === "anthropic")?.id ?? "";

/** Features of an Anthropic request carrying one document block of `source`. */
function withDocument(model: string, source: Record<string, unknown>): RequestFeatures {
  const chat = parseMessagesRequest({
    model,
    max_tokens: 100,
    messages: [
      {
        role: "user",
        content: [
          { type: "text", text: "Summarise this." },
          { type: "document", source },
        ],
      },
    ],
  });
  return {
    model,
    capabilities: [],
    stream: false,
    promptTokens: undefined,
    maxOutputTokens: undefined,
    inputs: requestInputs(chat),
  };
}
const pdf = { type: "base64", media_type: "application/pdf", data: "JVBERi0xLjQK" };
const text = { type: "text", media_type: "text/plain", data: "The yard has four tracks." };
const link = { type: "url", url: "https://example.com/yard.pdf" };
const planner = () => new PlanningService(config, new HealthTracker(config.health), () => start);
const providers = (features: RequestFeatures) =>
  planner()
    .plan("demo", features, {})
    .candidates.map((candidate) => candidate.provider.id);

describe("documents are planning facts: a dialect that cannot take one leaves its offering out", () => {
  it("reads each document form once, with the field of its first use", () => {
    const inputs = requestInputs(chatWith(link));
    expect(inputs?.documentSources).toEqual(new Map([["url", "messages[0].content[1].file"]]));
    expect(inputsKey(withDocument(claude, pdf).inputs)).toBe("/document:pdf");
    expect(inputsKey(withDocument(claude, link).inputs)).not.toBe(
      inputsKey(withDocument(claude, pdf).inputs),
    );
  });

  it("an inline PDF keeps every Claude offering: Anthropic, Bedrock and Vertex all take it", () => {
    expect(providers(withDocument(claude, pdf))).toEqual(
      expect.arrayContaining(["anthropic", "aws-us-east-1", "gcp-us-central1", "gcp-europe-west4"]),
    );
  });

  it("a PDF link leaves Bedrock out (it fetches nothing), with the reason in the explain output", () => {
    const features = withDocument(claude, link);
    const plan = planner().plan("demo", features, {});
    const ids = plan.candidates.map((candidate) => candidate.provider.id);
    expect(ids).not.toContain("aws-us-east-1");
    expect(ids).toContain("anthropic");
    expect(planJson(plan).excluded).toContainEqual({
      provider: "aws-us-east-1",
      offering: `${claude}@aws-us-east-1`,
      reason: expect.stringMatching(
        /^messages\[0\]\.content\[1\]\.file: Bedrock Converse accepts documents only as inline bytes/,
      ),
    });
  });

  it("a text document to a model whose every offering speaks OpenAI's chat dialect: the 400 naming the field", () => {
    const plan = planner().plan("demo", withDocument("gpt-4o-mini", text), {});
    expect(plan.candidates).toEqual([]);
    const error = emptyPlanError(plan, start);
    expect(error).toMatchObject({
      code: "unsupported_parameter",
      status: 400,
      param: "messages[0].content[1].file",
    });
    expect(error.message).toContain("read documents only as PDFs");
    // The same model takes the PDF.
    expect(providers(withDocument("gpt-4o-mini", pdf)).length).toBeGreaterThan(0);
  });
});

function chatWith(source: Record<string, unknown>) {
  return parseMessagesRequest({
    model: claude,
    max_tokens: 100,
    messages: [
      {
        role: "user",
        content: [
          { type: "text", text: "x" },
          { type: "document", source },
        ],
      },
    ],
  });
}
