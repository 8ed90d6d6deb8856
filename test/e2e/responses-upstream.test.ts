import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  expectServedBy,
  requestCount,
  setFault,
  startHarness,
  testKey,
  upstreamLog,
  type UpstreamLog,
  type Harness,
} from "../support/harness.js";

/**
 * Issue 13, item 3: an offering declared `api: responses` is reached through OpenAI's Responses API,
 * so a model OpenAI and Azure serve only there (`gpt-5-pro`: their Chat Completions refuse it, as the
 * emulators do) is reachable by a Chat Completions client and by an Anthropic client through the gateway.
 * A Responses offering that fails before the first byte fails over to a Chat Completions one.
 */
let harness: Harness;
let anthropic: Anthropic;
/** The offering of gpt-5-pro that serves first. */
const PRIMARY = "azure-swedencentral";
/** The OpenAI emulator itself, asked directly: what the gateway's answers must match. */
let direct: OpenAI;

beforeAll(async () => {
  harness = await startHarness((document) => {
    const models = document.models as Record<string, unknown>;
    models["gpt-5-pro"] = {
      vendor: "openai",
      release_date: "2025-10-06",
      capabilities: ["chat", "tools", "json"],
    };
    models["gpt-4.1"] = { vendor: "openai", release_date: "2025-04-14", capabilities: ["chat", "tools"] };
    const offerings = document.offerings as Record<string, unknown>[];
    const price = { input: 15, output: 120 };
    offerings.push(
      // Azure (OpenAI's preferential channel) first, on its v1 Responses route; OpenAI's second.
      { model: "gpt-5-pro", provider: "openai", native_model: "gpt-5-pro", api: "responses", price },
      {
        model: "gpt-5-pro",
        provider: "azure-swedencentral",
        deployment: "gpt-5-pro",
        api: "responses",
        price: { input: 16.5, output: 132 },
      },
      // Azure (preferential) through Responses first; OpenAI through Chat Completions behind it.
      {
        model: "gpt-4.1",
        provider: "azure-eastus",
        deployment: "gpt-4.1",
        api: "responses",
        price: { input: 2, output: 8 },
      },
      { model: "gpt-4.1", provider: "openai", native_model: "gpt-4.1", price: { input: 2, output: 8 } },
    );
    const tenants = document.tenants as Record<string, { policy: Record<string, unknown> }>;
    for (const tenant of Object.values(tenants))
      Object.assign(tenant.policy, { retries: { attempts_per_offering: 1 } });
  });
  anthropic = new Anthropic({ apiKey: testKey, baseURL: harness.gateway.url, maxRetries: 0 });
  direct = new OpenAI({
    apiKey: "harness-openai",
    baseURL: harness.emulator("openai").baseUrl,
    maxRetries: 0,
  });
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

const lastRequest = (name: string): Promise<UpstreamLog> => upstreamLog(harness.emulator(name));

describe("a model offered only through the Responses API", () => {
  it("is refused by the upstream's Chat Completions, as OpenAI refuses it", async () => {
    await expect(
      direct.chat.completions.create({ model: "gpt-5-pro", messages: [{ role: "user", content: "Hello" }] }),
    ).rejects.toMatchObject({
      status: 404,
      message: expect.stringContaining("only supported in v1/responses"),
    });
  });

  it("answers a Chat Completions client: the upstream's words and usage, in chat.completion form", async () => {
    const upstream = await direct.responses.create({
      model: "gpt-5-pro",
      input: "Hello there",
      store: false,
    });
    await harness.reset();
    const { data, response } = await harness.client.chat.completions
      .create({ model: "gpt-5-pro", messages: [{ role: "user", content: "Hello there" }] })
      .withResponse();
    expectServedBy(response.headers, PRIMARY, 1);
    expect(data.object).toBe("chat.completion");
    expect(data.choices[0]?.message.content).toBe(upstream.output_text);
    expect(data.choices[0]?.finish_reason).toBe("stop");
    expect(data.usage).toMatchObject({
      prompt_tokens: upstream.usage?.input_tokens,
      completion_tokens: upstream.usage?.output_tokens,
      total_tokens: upstream.usage?.total_tokens,
    });
    const sent = await lastRequest(PRIMARY);
    expect(sent.last_path).toBe("/openai/v1/responses");
    expect(sent.last).toEqual({
      model: "gpt-5-pro",
      input: [{ type: "message", role: "user", content: "Hello there" }],
      store: false,
    });
  });

  it("streams to a Chat Completions client, with the usage chunk it asked for", async () => {
    const messages = [{ role: "user" as const, content: "Tell me about switchyards" }];
    const whole = await harness.client.chat.completions.create({ model: "gpt-5-pro", messages });
    const stream = await harness.client.chat.completions.create({
      model: "gpt-5-pro",
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = "";
    let finish: string | null | undefined;
    let usage: OpenAI.CompletionUsage | null | undefined;
    let chunks = 0;
    for await (const chunk of stream) {
      chunks += 1;
      text += chunk.choices[0]?.delta.content ?? "";
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage !== null && chunk.usage !== undefined) usage = chunk.usage;
    }
    expect(chunks).toBeGreaterThan(3);
    expect(text).toBe(whole.choices[0]?.message.content);
    expect(finish).toBe("stop");
    expect(usage).toEqual(whole.usage);
    expect((await lastRequest(PRIMARY)).last).toMatchObject({ stream: true });
  });

  it("calls tools for a Chat Completions client, and takes the tool's result by its call id", async () => {
    const question = { role: "user" as const, content: "What is the weather in Basel?" };
    const first = await harness.client.chat.completions.create({
      model: "gpt-5-pro",
      messages: [question],
      tools: [weatherTool],
    });
    const call = first.choices[0]?.message.tool_calls?.[0];
    expect(first.choices[0]?.finish_reason).toBe("tool_calls");
    expect(call).toMatchObject({ type: "function", id: expect.stringMatching(/^call_/) });
    expect(call?.type === "function" ? JSON.parse(call.function.arguments) : undefined).toEqual({
      city: expect.any(String),
      unit: "c",
    });
    // What went upstream: a flat, non-strict function tool.
    expect((await lastRequest(PRIMARY)).last["tools"]).toEqual([
      {
        type: "function",
        name: "get_weather",
        description: "Current weather for a city",
        parameters: weatherTool.function.parameters,
        strict: false,
      },
    ]);

    const second = await harness.client.chat.completions.create({
      model: "gpt-5-pro",
      tools: [weatherTool],
      messages: [
        question,
        { role: "assistant", content: null, tool_calls: first.choices[0]?.message.tool_calls ?? [] },
        { role: "tool", tool_call_id: call?.id ?? "", content: "sunny, 24 C" },
      ],
    });
    expect(second.choices[0]?.message.content).toContain("The get_weather tool returned: sunny, 24 C.");
    const input = (await lastRequest(PRIMARY)).last["input"];
    expect(input).toMatchObject([
      { type: "message", role: "user" },
      { type: "function_call", call_id: call?.id, name: "get_weather" },
      { type: "function_call_output", call_id: call?.id, output: "sunny, 24 C" },
    ]);
  });

  it("streams tool calls to a Chat Completions client", async () => {
    const stream = await harness.client.chat.completions.create({
      model: "gpt-5-pro",
      messages: [{ role: "user", content: "What is the weather in Basel?" }],
      tools: [weatherTool],
      stream: true,
    });
    let name = "";
    let args = "";
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta.tool_calls?.[0];
      name += delta?.function?.name ?? "";
      args += delta?.function?.arguments ?? "";
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(name).toBe("get_weather");
    expect(JSON.parse(args)).toMatchObject({ unit: "c" });
    expect(finish).toBe("tool_calls");
  });

  it("says length when the answer hits max_tokens, as the Responses API says incomplete", async () => {
    const data = await harness.client.chat.completions.create({
      model: "gpt-5-pro",
      messages: [{ role: "user", content: "Tell me a long story about rail yards and their engines" }],
      max_completion_tokens: 16,
    });
    expect(data.choices[0]?.finish_reason).toBe("length");
    expect(data.usage?.completion_tokens).toBe(16);
    expect((await lastRequest(PRIMARY)).last["max_output_tokens"]).toBe(16);
  });

  it("answers an Anthropic client, streamed and not", async () => {
    const request = {
      model: "gpt-5-pro",
      max_tokens: 200,
      messages: [{ role: "user" as const, content: "Hello from Claude's SDK" }],
    };
    const upstream = await direct.responses.create({ model: "gpt-5-pro", input: "Hello from Claude's SDK" });
    const { data, response } = await anthropic.messages.create(request).withResponse();
    expectServedBy(response.headers, PRIMARY, 1);
    expect(data.type).toBe("message");
    expect(data.content).toMatchObject([{ type: "text", text: upstream.output_text }]);
    expect(data.stop_reason).toBe("end_turn");
    expect(data.usage).toMatchObject({
      input_tokens: upstream.usage?.input_tokens,
      output_tokens: upstream.usage?.output_tokens,
    });
    const message = await anthropic.messages.stream(request).finalMessage();
    expect(message.content).toEqual(data.content);
    expect(message.usage.output_tokens).toBe(data.usage.output_tokens);
  });

  it("answers a Responses client too, through the gateway's own Responses ingress", async () => {
    const upstream = await direct.responses.create({ model: "gpt-5-pro", input: "Hello, Responses" });
    const { data, response } = await harness.client.responses
      .create({ model: "gpt-5-pro", input: "Hello, Responses" })
      .withResponse();
    expectServedBy(response.headers, PRIMARY, 1);
    expect(data.output_text).toBe(upstream.output_text);
    expect(data.usage?.output_tokens).toBe(upstream.usage?.output_tokens);
  });

  it("fails over to the next Responses offering (OpenAI's /v1/responses) when Azure is down", async () => {
    await setFault(harness.emulator(PRIMARY), { status: 503 });
    const { data, response } = await harness.client.chat.completions
      .create({ model: "gpt-5-pro", messages: [{ role: "user", content: "Hello there" }] })
      .withResponse();
    expectServedBy(response.headers, "openai", 2);
    expect(data.choices[0]?.message.content).toContain('You said: "Hello there"');
    expect((await lastRequest("openai")).last_path).toBe("/v1/responses");
  });
});

describe("failover from a Responses offering to a Chat Completions one", () => {
  it("before the first byte of a stream: the error event fails it over, the client never sees it", async () => {
    const messages = [{ role: "user" as const, content: "Tell me about rail yards" }];
    // As OpenAI fails: the response is created and its message item opened, then the error event comes
    // before any text (events 1-4: created, in_progress, output_item.added, content_part.added).
    await setFault(harness.emulator("azure-eastus"), { stream_error: true, stream_error_after_chunks: 4 });
    const { data: stream, response } = await harness.client.chat.completions
      .create({ model: "gpt-4.1", messages, stream: true })
      .withResponse();
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    expectServedBy(response.headers, "openai", 2);
    expect((await lastRequest("azure-eastus")).last_path).toBe("/openai/v1/responses");
    expect((await lastRequest("openai")).last_path).toBe("/v1/chat/completions");
    await harness.reset();
    const whole = await harness.client.chat.completions.create({ model: "gpt-4.1", messages });
    expect(text).toBe(whole.choices[0]?.message.content);
  });

  it("a non-streamed request too, on a 5xx from the Responses offering", async () => {
    await setFault(harness.emulator("azure-eastus"), { status: 500 });
    const { response } = await harness.client.chat.completions
      .create({ model: "gpt-4.1", messages: [{ role: "user", content: "Hi" }] })
      .withResponse();
    expectServedBy(response.headers, "openai", 2);
    expect(await requestCount(harness.emulator("azure-eastus"))).toBe(1);
  });

  it("without faults the Responses offering serves, on Azure's v1 Responses route", async () => {
    const { response } = await harness.client.chat.completions
      .create({ model: "gpt-4.1", messages: [{ role: "user", content: "Hi" }] })
      .withResponse();
    expectServedBy(response.headers, "azure-eastus", 1);
    expect((await lastRequest("azure-eastus")).last).toMatchObject({ model: "gpt-4.1", store: false });
  });
});
