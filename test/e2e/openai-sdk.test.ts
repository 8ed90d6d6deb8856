import OpenAI, { type APIError } from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  expectServedBy,
  requestCount,
  setFault,
  startHarness,
  streamedText,
  testKey,
  type Harness,
} from "../support/harness.js";

/** The official `openai` SDK, unmodified, against a running gateway in front of the emulators. */
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

const weatherTool = {
  type: "function",
  function: {
    name: "get_weather",
    description: "Current weather for a city",
    parameters: {
      type: "object",
      properties: { city: { type: "string" }, unit: { type: "string", enum: ["c", "f"] } },
      required: ["city", "unit"],
    },
  },
} as const;

describe("chat completions", () => {
  it("answers a plain request, with routing headers and honest usage", async () => {
    const { data, response } = await harness.client.chat.completions
      .create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hello there" }] })
      .withResponse();
    expect(data.object).toBe("chat.completion");
    expect(data.choices[0]?.message.content).toEqual(expect.any(String));
    expect(data.choices[0]?.message.content?.length).toBeGreaterThan(0);
    expect(data.choices[0]?.finish_reason).toBe("stop");
    expect(data.usage?.prompt_tokens).toBeGreaterThan(0);
    expect(data.usage?.total_tokens).toBe(
      (data.usage?.prompt_tokens ?? 0) + (data.usage?.completion_tokens ?? 0),
    );
    expect(response.headers.get("x-request-id")).toMatch(/^req_/);
    expectServedBy(response.headers, "azure-eastus", 1);
  });

  it("streams the same answer, ending with the usage chunk when asked", async () => {
    const messages = [{ role: "user" as const, content: "Tell me about switchyards" }];
    const whole = await harness.client.chat.completions.create({ model: "gpt-4o-mini", messages });
    const stream = await harness.client.chat.completions.create({
      model: "gpt-4o-mini",
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = "";
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const chunk of stream) {
      chunks.push(chunk);
      text += chunk.choices[0]?.delta.content ?? "";
    }
    expect(text).toBe(whole.choices[0]?.message.content);
    const last = chunks.at(-1);
    expect(last?.choices).toEqual([]);
    expect(last?.usage).toEqual(whole.usage);
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe("stop");
  });

  it("hides the usage chunk from a client that did not ask for it", async () => {
    const stream = await harness.client.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "Hi" }],
      stream: true,
    });
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.every((chunk) => chunk.choices.length === 1)).toBe(true);
    expect(chunks.some((chunk) => chunk.usage)).toBe(false);
  });

  it("streams tool-call arguments that the SDK's own helper reassembles", async () => {
    const stream = harness.client.chat.completions.stream({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "What is the weather in Paris?" }],
      tools: [weatherTool],
      tool_choice: { type: "function", function: { name: "get_weather" } },
    });
    const completion = await stream.finalChatCompletion();
    const call = completion.choices[0]?.message.tool_calls?.[0];
    expect(completion.choices[0]?.finish_reason).toBe("tool_calls");
    expect(call?.type).toBe("function");
    if (call?.type !== "function") throw new Error("expected a function call");
    expect(call.function.name).toBe("get_weather");
    expect(call.id).toEqual(expect.any(String));
    const args = JSON.parse(call.function.arguments) as { city: unknown; unit: unknown };
    expect(typeof args.city).toBe("string");
    expect(["c", "f"]).toContain(args.unit);
  });

  it("returns a tool call without streaming, and continues after a tool result", async () => {
    const first = await harness.client.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "Weather in Oslo?" }],
      tools: [weatherTool],
      tool_choice: "required",
    });
    const call = first.choices[0]?.message.tool_calls?.[0];
    if (call?.type !== "function") throw new Error("expected a function call");
    const second = await harness.client.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [
        { role: "user", content: "Weather in Oslo?" },
        { role: "assistant", content: null, tool_calls: [call] },
        { role: "tool", tool_call_id: call.id, content: '{"temp_c":4}' },
      ],
      tools: [weatherTool],
    });
    expect(second.choices[0]?.finish_reason).toBe("stop");
    expect(second.choices[0]?.message.content).toEqual(expect.any(String));
  });

  it("answers valid JSON in JSON mode", async () => {
    const completion = await harness.client.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "Give me a JSON object describing a train" }],
      response_format: { type: "json_object" },
    });
    const parsed = JSON.parse(completion.choices[0]?.message.content ?? "") as unknown;
    expect(parsed).toEqual(expect.any(Object));
  });

  it("answers JSON that follows a json_schema", async () => {
    const completion = await harness.client.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "A train" }],
      response_format: {
        type: "json_schema",
        json_schema: {
          name: "train",
          strict: true,
          schema: {
            type: "object",
            properties: { name: { type: "string" }, cars: { type: "integer" } },
            required: ["name", "cars"],
            additionalProperties: false,
          },
        },
      },
    });
    const parsed = JSON.parse(completion.choices[0]?.message.content ?? "") as {
      name: unknown;
      cars: unknown;
    };
    expect(typeof parsed.name).toBe("string");
    expect(Number.isInteger(parsed.cars)).toBe(true);
  });

  it("reaches an OpenAI-compatible host (how Llama is served), chosen by x-switchyard-providers", async () => {
    const { data, response } = await harness.client.chat.completions
      .create(
        { model: "llama-3.3-70b", messages: [{ role: "user", content: "Hi Llama" }] },
        { headers: { "x-switchyard-providers": "llama-host" } },
      )
      .withResponse();
    expect(data.choices[0]?.message.content).toEqual(expect.any(String));
    expectServedBy(response.headers, "llama-host");
  });

  it("warns in a header when a provider cannot take a parameter", async () => {
    const { response } = await harness.client.chat.completions
      .create(
        { model: "llama-3.3-70b", messages: [{ role: "user", content: "Hi" }], metadata: { team: "search" } },
        { headers: { "x-switchyard-providers": "llama-host" } },
      )
      .withResponse();
    expect(response.headers.get("x-switchyard-warnings")).toMatch(/^parameter_ignored=metadata/);
  });
});

describe("embeddings and models", () => {
  it("embeds a string and a list, as floats and as base64", async () => {
    const single = await harness.client.embeddings.create({
      model: "text-embedding-3-small",
      input: "switchyard",
      encoding_format: "float",
    });
    expect(single.data).toHaveLength(1);
    expect(single.data[0]?.embedding.length).toBe(1536);
    const list = await harness.client.embeddings.create({
      model: "text-embedding-3-small",
      input: ["switchyard", "gateway"],
      dimensions: 256,
    });
    // The SDK asks for base64 by default and decodes it itself.
    expect(list.data.map((item) => item.embedding.length)).toEqual([256, 256]);
    expect(list.data[0]?.embedding).not.toEqual(list.data[1]?.embedding);
    expect(list.usage.prompt_tokens).toBeGreaterThan(0);
    const again = await harness.client.embeddings.create({
      model: "text-embedding-3-small",
      input: "switchyard",
      encoding_format: "float",
    });
    expect(again.data[0]?.embedding).toEqual(single.data[0]?.embedding);
  });

  it("lists and retrieves the models this key may use", async () => {
    const ids: string[] = [];
    for await (const model of harness.client.models.list()) ids.push(model.id);
    expect(ids.sort()).toEqual([
      "claude-sonnet-4-6",
      "cohere-embed-v3",
      "gemini-2.5-flash",
      "gemini-embedding-001",
      "gpt-4o-mini",
      "gpt-nova",
      "gpt-oss-120b",
      "llama-3.3-70b",
      "text-embedding-3-small",
      "titan-embed-text-v2",
    ]);
    const model = await harness.client.models.retrieve("gpt-4o-mini");
    expect(model).toMatchObject({ id: "gpt-4o-mini", object: "model", owned_by: "openai" });
    await expect(harness.client.models.retrieve("gpt-9")).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });

  it("issue 9: the EU-only key lists only the models it can be routed to, and each listed one answers", async () => {
    const eu = new OpenAI({ apiKey: `${testKey}-eu`, baseURL: harness.client.baseURL, maxRetries: 0 });
    const ids: string[] = [];
    for await (const model of eu.models.list()) ids.push(model.id);
    // gpt-4o-mini and text-embedding-3-small are only in the US; Titan and Cohere only on AWS us-east-1.
    expect(ids.sort()).toEqual([
      "claude-sonnet-4-6",
      "gemini-2.5-flash",
      "gemini-embedding-001",
      "gpt-nova",
      "gpt-oss-120b",
      "llama-3.3-70b",
    ]);
    for (const id of ids) {
      if (id.includes("embedding")) {
        const list = await eu.embeddings.create({ model: id, input: "hi" });
        expect(list.data).toHaveLength(1);
      } else {
        const { response } = await eu.chat.completions
          .create({ model: id, messages: [{ role: "user", content: "Hi" }], max_tokens: 8 })
          .withResponse();
        expect(response.status).toBe(200);
      }
    }
    expect((await eu.models.retrieve("gpt-nova")).id).toBe("gpt-nova");
    const hidden = await eu.models.retrieve("gpt-4o-mini").catch((caught: unknown) => caught);
    expect(hidden).toBeInstanceOf(OpenAI.NotFoundError);
    expect((hidden as APIError).code).toBe("model_not_found");
  });
});

describe("errors, surfaced as the SDK's typed errors", () => {
  it("401 for a wrong key", async () => {
    const client = new OpenAI({ apiKey: "sk-wrong-key", baseURL: harness.client.baseURL, maxRetries: 0 });
    const error = await client.chat.completions
      .create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((error as APIError).code).toBe("invalid_api_key");
  });

  it("400 naming the field for a bad request", async () => {
    const error = await harness.client.chat.completions
      .create({ model: "gpt-4o-mini", messages: [] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as APIError).param).toBe("messages");
  });

  it("404 for an unknown model", async () => {
    const error = await harness.client.chat.completions
      .create({ model: "gpt-9", messages: [{ role: "user", content: "Hi" }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect((error as APIError).code).toBe("model_not_found");
    expect((error as APIError).param).toBe("model");
  });

  it("400 when the model lacks a capability the request needs", async () => {
    const error = await harness.client.chat.completions
      .create({
        model: "llama-3.3-70b",
        messages: [
          { role: "user", content: [{ type: "image_url", image_url: { url: "https://example.com/a.png" } }] },
        ],
      })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as APIError).param).toBe("messages[0].content");
  });
});

describe("failover", () => {
  it("retries the first offering once, then moves to the next, when it keeps returning 503", async () => {
    await setFault(harness.emulator("azure-eastus"), { status: 503 });
    const { data, response } = await harness.client.chat.completions
      .create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hello" }] })
      .withResponse();
    expect(data.choices[0]?.message.content).toEqual(expect.any(String));
    expectServedBy(response.headers, "openai", 3);
  });

  it("answers from the first offering when a retry there succeeds", async () => {
    await setFault(harness.emulator("azure-eastus"), { status: 503, count: 1 });
    const { response } = await harness.client.chat.completions
      .create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hello" }] })
      .withResponse();
    expectServedBy(response.headers, "azure-eastus", 2);
  });

  it("moves to the next offering when the first resets the connection, streaming included", async () => {
    await setFault(harness.emulator("azure-eastus"), { reset: true });
    const { data: stream, response } = await harness.client.chat.completions
      .create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hello" }], stream: true })
      .withResponse();
    const text = await streamedText(stream);
    expect(text.length).toBeGreaterThan(0);
    expectServedBy(response.headers, "openai", 3);
  });

  it("fails a stream over when the error arrives before the first byte reached the client", async () => {
    await setFault(harness.emulator("azure-eastus"), { stream_error: true, stream_error_after_chunks: 0 });
    const { data: stream, response } = await harness.client.chat.completions
      .create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hello" }], stream: true })
      .withResponse();
    const text = await streamedText(stream);
    expect(text.length).toBeGreaterThan(0);
    expectServedBy(response.headers, "openai");
  });

  it("ends the client's stream with an error event when the upstream is cut after the first byte", async () => {
    await setFault(harness.emulator("azure-eastus"), { cut_after_chunks: 3 });
    const stream = await harness.client.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "Tell me a long story about trains" }],
      stream: true,
    });
    const received: string[] = [];
    const error = await (async () => {
      for await (const chunk of stream) received.push(chunk.choices[0]?.delta.content ?? "");
    })().catch((caught: unknown) => caught);
    expect(received.length).toBeGreaterThan(0);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(await requestCount(harness.emulator("openai"))).toBe(0);
  });

  it("returns a client error at once and tries no other offering", async () => {
    await setFault(harness.emulator("azure-eastus"), { status: 400 });
    const error = await harness.client.chat.completions
      .create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hello" }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as APIError).code).toBe("upstream_invalid_request");
    expect(await requestCount(harness.emulator("openai"))).toBe(0);
  });

  it("answers with the last failure, and its Retry-After, when every offering fails", async () => {
    await setFault(harness.emulator("azure-eastus"), { status: 503 });
    // A Retry-After over the policy's cap (10 s) is not waited for, even on the last offering.
    await setFault(harness.emulator("openai"), { status: 429, retry_after_s: 30 });
    const error = await harness.client.chat.completions
      .create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hello" }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    const apiError = error as APIError;
    expect(apiError.code).toBe("upstream_rate_limited");
    expect(apiError.headers?.get("retry-after")).toBe("30");
    expect(apiError.headers?.get("x-switchyard-attempts")).toBe("3");
  });

  it("fails embeddings over too", async () => {
    await setFault(harness.emulator("azure-eastus"), { status: 500 });
    const { response } = await harness.client.embeddings
      .create({ model: "text-embedding-3-small", input: "x" })
      .withResponse();
    expectServedBy(response.headers, "openai", 3);
  });
});

it("accepts the key in an api-key header, as Azure clients send it", async () => {
  const response = await fetch(`${harness.gateway.url}/v1/models`, { headers: { "api-key": testKey } });
  expect(response.status).toBe(200);
});
