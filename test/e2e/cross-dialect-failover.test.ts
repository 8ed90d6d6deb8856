import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  requestCount,
  setFault,
  startHarness,
  streamedText,
  testKey,
  type Harness,
} from "../support/harness.js";

/**
 * Failover across dialects: Claude is sold by Anthropic, AWS and Google, each in its own wire format.
 * When the Anthropic offering fails, the answer comes from Bedrock (Converse, binary event stream) or
 * Vertex (rawPredict), and the client cannot tell but for the routing headers.
 */
let harness: Harness;
let anthropic: Anthropic;
beforeAll(async () => {
  harness = await startHarness((document) => {
    const tenants = document.tenants as Record<string, { policy: Record<string, unknown> }>;
    for (const tenant of Object.values(tenants))
      Object.assign(tenant.policy, { retries: { attempts_per_offering: 1 } });
  });
  anthropic = new Anthropic({ apiKey: testKey, baseURL: harness.gateway.url, maxRetries: 0 });
});
afterAll(async () => {
  await harness.close();
});
beforeEach(async () => {
  await harness.reset();
});

const model = "claude-sonnet-4-6";
const question = {
  model,
  max_tokens: 200,
  messages: [{ role: "user" as const, content: "Tell me about rail yards" }],
};

describe("a Claude request whose Anthropic offering fails", () => {
  it("is answered by the next cloud's Claude, with the same answer, in Anthropic's format", async () => {
    const direct = await anthropic.messages.create(question);
    await setFault(harness.emulator("anthropic"), { status: 529 });
    const { data, response } = await anthropic.messages.create(question).withResponse();
    const next = response.headers.get("x-switchyard-provider");
    expect(next).not.toBe("anthropic");
    expect(["gcp-us-central1", "aws-us-east-1", "gcp-europe-west4"]).toContain(next);
    expect(response.headers.get("x-switchyard-attempts")).toBe("2");
    expect(data.content).toEqual(direct.content);
    expect(data.stop_reason).toBe(direct.stop_reason);
    expect(data.type).toBe("message");
  });

  it("streaming included: the stream fails over before its first byte", async () => {
    const direct = await anthropic.messages.create(question);
    await setFault(harness.emulator("anthropic"), { stream_error: true, stream_error_after_chunks: 0 });
    const stream = anthropic.messages.stream(question);
    const message = await stream.finalMessage();
    expect(message.content).toEqual(direct.content);
    // The direct answer and the failed stream; the stream's answer came from another cloud.
    expect(await requestCount(harness.emulator("anthropic"))).toBe(2);
    const elsewhere = await Promise.all(
      ["gcp-us-central1", "aws-us-east-1", "gcp-europe-west4"].map((name) =>
        requestCount(harness.emulator(name)),
      ),
    );
    expect(elsewhere.reduce((sum, count) => sum + count, 0)).toBe(1);
  });

  it("reaches Bedrock's Converse stream when Anthropic and Vertex both fail, from an OpenAI client too", async () => {
    await setFault(harness.emulator("anthropic"), { status: 503 });
    await setFault(harness.emulator("gcp-us-central1"), { reset: true });
    await setFault(harness.emulator("gcp-europe-west4"), { status: 500 });
    const { data: stream, response } = await harness.client.chat.completions
      .create({ model, messages: [{ role: "user", content: "Tell me about rail yards" }], stream: true })
      .withResponse();
    expect((await streamedText(stream)).length).toBeGreaterThan(0);
    expect(response.headers.get("x-switchyard-provider")).toBe("aws-us-east-1");
  });
});
