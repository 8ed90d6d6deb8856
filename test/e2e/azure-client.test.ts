import OpenAI, { AzureOpenAI } from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  expectServedBy,
  setFault,
  startHarness,
  streamedText,
  testKey,
  type Harness,
} from "../support/harness.js";

/** Azure clients can point their endpoint at the gateway: the official `AzureOpenAI` client, unmodified. */
let harness: Harness;
beforeAll(async () => {
  harness = await startHarness((document) => {
    // A short first-byte timeout so the timeout drill below is quick; the margin to the fault's
    // latency is large, so the outcome does not depend on the machine's speed.
    document.upstream = { first_byte_timeout_ms: 400 };
  });
});
afterAll(async () => {
  await harness.close();
});
beforeEach(async () => {
  await harness.reset();
});

describe("the AzureOpenAI client against the gateway", () => {
  const azure = () =>
    new AzureOpenAI({
      endpoint: harness.gateway.url,
      apiKey: testKey,
      apiVersion: "2024-10-21",
      deployment: "gpt-4o-mini",
      maxRetries: 0,
    });

  it("chats through a deployment route, streaming and not", async () => {
    const { data, response } = await azure()
      .chat.completions.create({ model: "ignored-by-azure", messages: [{ role: "user", content: "Hi" }] })
      .withResponse();
    expect(data.choices[0]?.message.content).toEqual(expect.any(String));
    expect(response.headers.get("x-switchyard-offering")).toBe("gpt-4o-mini@azure-eastus");
    const stream = await azure().chat.completions.create({
      model: "ignored-by-azure",
      messages: [{ role: "user", content: "Hi" }],
      stream: true,
    });
    const text = await streamedText(stream);
    expect(text).toBe(data.choices[0]?.message.content);
  });

  it("embeds through a deployment route", async () => {
    const client = new AzureOpenAI({
      endpoint: harness.gateway.url,
      apiKey: testKey,
      apiVersion: "2024-10-21",
      deployment: "text-embedding-3-small",
      maxRetries: 0,
    });
    const result = await client.embeddings.create({ model: "ignored", input: ["a", "b"] });
    expect(result.data).toHaveLength(2);
  });

  it("serves the v1 route to the plain OpenAI client", async () => {
    const client = new OpenAI({
      baseURL: `${harness.gateway.url}/openai/v1`,
      apiKey: testKey,
      maxRetries: 0,
    });
    const completion = await client.chat.completions.create({
      model: "llama-3.3-70b",
      messages: [{ role: "user", content: "Hi" }],
    });
    expect(completion.choices[0]?.message.content).toEqual(expect.any(String));
  });
});

describe("timeouts", () => {
  it("fails over when the first provider does not answer before the first-byte timeout", async () => {
    await setFault(harness.emulator("azure-eastus"), { latency_ms: 5_000 });
    const { data, response } = await harness.client.chat.completions
      .create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hello" }] })
      .withResponse();
    expect(data.choices[0]?.message.content).toEqual(expect.any(String));
    expectServedBy(response.headers, "openai", 3);
  });
});
