import OpenAI, { type APIError } from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { requestCount, setFault, startHarness, type Harness } from "../support/harness.js";

/**
 * Issue 9: blocked content by the client's semantics, through the official OpenAI SDK. A prompt the
 * provider refuses is the client's error (400 upstream_content_filter, tried once, nowhere else); an
 * answer the provider's filter withholds is a normal 200 that ends with finish_reason content_filter.
 */
let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(async () => {
  await harness.close();
});
beforeEach(async () => {
  await harness.reset();
});

const onGemini = { headers: { "x-switchyard-providers": "gemini" } };
const ask = { model: "gemini-2.5-flash", messages: [{ role: "user" as const, content: "Something bad" }] };

describe("issue 9: blocked content", () => {
  it("a prompt Gemini refuses (promptFeedback.blockReason) is a 400 upstream_content_filter, one attempt", async () => {
    await setFault(harness.emulator("gemini"), { blocked: "prompt" });
    const error = (await harness.client.chat.completions
      .create(ask, onGemini)
      .catch((caught: unknown) => caught)) as APIError;
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error.code).toBe("upstream_content_filter");
    expect(await requestCount(harness.emulator("gemini"))).toBe(1);
    const streamed = (await harness.client.chat.completions
      .create({ ...ask, stream: true }, onGemini)
      .catch((caught: unknown) => caught)) as APIError;
    expect(streamed).toBeInstanceOf(OpenAI.BadRequestError);
    expect(streamed.code).toBe("upstream_content_filter");
  });

  it("a Gemini answer withheld by the filter (finishReason SAFETY) is a 200 with finish_reason content_filter and usage", async () => {
    await setFault(harness.emulator("gemini"), { blocked: "answer" });
    const completion = await harness.client.chat.completions.create(ask, onGemini);
    expect(completion.choices[0]?.finish_reason).toBe("content_filter");
    expect(completion.choices[0]?.message.content ?? "").toBe("");
    expect(completion.usage?.prompt_tokens).toBeGreaterThan(0);
    expect(completion.usage?.completion_tokens).toBe(0);
    expect(await requestCount(harness.emulator("gemini"))).toBe(1);
  });

  it("streamed, the final chunk says content_filter and the usage chunk follows", async () => {
    await setFault(harness.emulator("gemini"), { blocked: "answer" });
    const stream = await harness.client.chat.completions.create(
      { ...ask, stream: true, stream_options: { include_usage: true } },
      onGemini,
    );
    const reasons: (string | null)[] = [];
    let promptTokens = 0;
    for await (const chunk of stream) {
      for (const choice of chunk.choices) reasons.push(choice.finish_reason);
      if (chunk.usage) promptTokens = chunk.usage.prompt_tokens;
    }
    expect(reasons.filter((reason) => reason !== null)).toEqual(["content_filter"]);
    expect(promptTokens).toBeGreaterThan(0);
  });
});
