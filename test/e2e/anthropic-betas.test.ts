import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { expectServedBy, startHarness, testKey, upstreamLog, type Harness } from "../support/harness.js";

/**
 * Issue 14, item 4: the client's `anthropic-beta` flags, sent with the official SDK's `betas`, reach each
 * cloud in its own way when it takes them, and are stripped with an `x-switchyard-warnings` entry when
 * it does not. The emulators record what they received.
 */
let harness: Harness;
let claude: Anthropic;
const model = "claude-sonnet-4-6";
const betas = ["interleaved-thinking-2025-05-14", "files-api-2025-04-14"];

beforeAll(async () => {
  harness = await startHarness((document) => {
    const providers = document["providers"] as Record<string, Record<string, unknown>>;
    providers["aws-invoke"] = { ...providers["aws-us-east-1"] };
    (document["offerings"] as Record<string, unknown>[]).push({
      model,
      provider: "aws-invoke",
      native_model: "us.anthropic.claude-sonnet-4-6",
      api: "invoke",
    });
  });
  claude = new Anthropic({ apiKey: testKey, baseURL: harness.gateway.url, maxRetries: 0 });
});
afterAll(async () => {
  await harness.close();
});
beforeEach(async () => {
  await harness.reset();
});

async function send(provider: string) {
  return claude.beta.messages
    .create(
      { model, max_tokens: 64, betas, messages: [{ role: "user", content: "Beta flags, please" }] },
      { headers: { "x-switchyard-providers": provider } },
    )
    .withResponse();
}

describe("anthropic-beta flags per cloud", () => {
  it("Anthropic takes every flag: the header arrives as sent, and nothing is stripped", async () => {
    const { response } = await send("anthropic");
    expectServedBy(response.headers, "anthropic");
    expect(response.headers.get("x-switchyard-warnings")).toBeNull();
    const log = await upstreamLog(harness.emulator("anthropic"));
    expect(log.last_headers["anthropic-beta"]).toBe(betas.join(","));
    expect(log.last).not.toHaveProperty("anthropic_beta");
  });

  it("Vertex: the flag it takes goes in the header, the Files API flag is stripped with a warning", async () => {
    const { response } = await send("gcp-us-central1");
    expectServedBy(response.headers, "gcp-us-central1");
    expect(response.headers.get("x-switchyard-warnings")).toMatch(
      /^parameter_ignored=anthropic-beta \(anthropic-beta files-api-2025-04-14 is not taken by gcp-us-central1/,
    );
    const log = await upstreamLog(harness.emulator("gcp-us-central1"));
    expect(log.last_headers["anthropic-beta"]).toBe("interleaved-thinking-2025-05-14");
    expect(log.last).not.toHaveProperty("anthropic_beta");
  });

  it("Bedrock InvokeModel: anthropic_beta in the body; Converse: additionalModelRequestFields.anthropic_beta", async () => {
    const invoke = await send("aws-invoke");
    expect(invoke.response.headers.get("x-switchyard-warnings")).toContain("files-api-2025-04-14");
    const bedrock = harness.emulator("aws-us-east-1");
    expect((await upstreamLog(bedrock)).last["anthropic_beta"]).toEqual(["interleaved-thinking-2025-05-14"]);
    expect((await upstreamLog(bedrock)).last_headers["anthropic-beta"]).toBeUndefined();

    const converse = await send("aws-us-east-1");
    expectServedBy(converse.response.headers, "aws-us-east-1");
    expect(converse.response.headers.get("x-switchyard-warnings")).toContain("files-api-2025-04-14");
    expect((await upstreamLog(bedrock)).last["additionalModelRequestFields"]).toEqual({
      anthropic_beta: ["interleaved-thinking-2025-05-14"],
    });
  });

  it("a request that needs a flag no allowed cloud takes is a 400 naming anthropic-beta", async () => {
    const error = await claude.beta.messages
      .create(
        {
          model,
          max_tokens: 100_000,
          // The SDK insists on streaming for so long an answer; the 400 comes before any event.
          stream: true,
          betas: ["output-128k-2025-02-19"],
          messages: [{ role: "user", content: "A very long answer" }],
        },
        { headers: { "x-switchyard-providers": "gcp-us-central1,gcp-europe-west4" } },
      )
      .then(
        () => undefined,
        (caught: unknown) => caught,
      );
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    const body = (error as InstanceType<typeof Anthropic.BadRequestError>).error as {
      error: { message: string };
    };
    expect(body.error.message).toContain("anthropic-beta output-128k-2025-02-19");
    expect(body.error.message).toContain("which gcp-us-central1 does not take");
  });

  it("a malformed flag is the client's 400", async () => {
    const response = await fetch(`${harness.gateway.url}/v1/messages`, {
      method: "POST",
      headers: {
        "x-api-key": testKey,
        "content-type": "application/json",
        "anthropic-beta": "ok-flag,Bad Flag!",
      },
      body: JSON.stringify({ model, max_tokens: 10, messages: [{ role: "user", content: "hi" }] }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { type: string; message: string } };
    expect(body.error.type).toBe("invalid_request_error");
    expect(body.error.message).toBe("anthropic-beta: 'Bad Flag!' is not a valid beta flag");
  });
});
