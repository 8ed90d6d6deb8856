import Anthropic, { APIError, AuthenticationError, BadRequestError, NotFoundError } from "@anthropic-ai/sdk";
import { request as httpRequest } from "undici";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../src/emulators/index.js";
import {
  expectServedBy,
  requestCount,
  setFault,
  startHarness,
  testKey,
  upstreamLog,
  type Harness,
} from "../support/harness.js";

/**
 * The official `@anthropic-ai/sdk`, unmodified, against a running gateway whose upstreams are the
 * OpenAI, Azure and OpenAI-compatible emulators: a Claude client using OpenAI-dialect clouds.
 */
let harness: Harness;
let client: Anthropic;
beforeAll(async () => {
  harness = await startHarness();
  client = new Anthropic({ apiKey: testKey, baseURL: harness.gateway.url, maxRetries: 0 });
});
afterAll(async () => {
  await harness.close();
});
beforeEach(async () => {
  await harness.reset();
});

const model = "gpt-4o-mini";

const weatherTool = {
  name: "get_weather",
  description: "Current weather for a city",
  input_schema: {
    type: "object" as const,
    properties: { city: { type: "string" }, unit: { type: "string", enum: ["c", "f"] } },
    required: ["city", "unit"],
  },
};

/** The body the emulator last received: what the gateway sent upstream. */
async function lastUpstreamBody(emulator: RunningEmulator): Promise<Record<string, unknown>> {
  return (await upstreamLog(emulator)).last;
}

interface ErrorEnvelope {
  type: string;
  error: { type: string; message: string; details?: unknown };
  request_id?: string;
}

/** The Anthropic error envelope the SDK parsed from the gateway's answer. */
function envelope(error: unknown): ErrorEnvelope {
  if (!(error instanceof APIError)) throw new Error(`expected an APIError, got ${String(error)}`);
  const body: unknown = error.error;
  return body as ErrorEnvelope;
}

function textOf(message: Anthropic.Message): string {
  return message.content.map((block) => (block.type === "text" ? block.text : "")).join("");
}

describe("messages.create", () => {
  it("answers a plain request with Anthropic's message shape, routing headers and usage", async () => {
    const { data, response } = await client.messages
      .create({ model, max_tokens: 256, messages: [{ role: "user", content: "Hello there" }] })
      .withResponse();
    expect(data.type).toBe("message");
    expect(data.role).toBe("assistant");
    expect(data.id).toMatch(/^msg_/);
    expect(data.content).toHaveLength(1);
    expect(data.content[0]?.type).toBe("text");
    expect(textOf(data).length).toBeGreaterThan(0);
    expect(data.stop_reason).toBe("end_turn");
    expect(data.stop_sequence).toBeNull();
    expect(data.usage.input_tokens).toBeGreaterThan(0);
    expect(data.usage.output_tokens).toBeGreaterThan(0);
    expect(data.usage.cache_read_input_tokens).toBe(0);
    expect(response.headers.get("x-request-id")).toMatch(/^req_/);
    expect(response.headers.get("request-id")).toBe(response.headers.get("x-request-id"));
    expectServedBy(response.headers, "azure-eastus", 1);

    // The same prompt through the OpenAI ingress: the same answer and the same token counts.
    const openai = await harness.client.chat.completions.create({
      model,
      max_completion_tokens: 256,
      messages: [{ role: "user", content: "Hello there" }],
    });
    expect(textOf(data)).toBe(openai.choices[0]?.message.content);
    expect(data.usage.input_tokens).toBe(openai.usage?.prompt_tokens);
    expect(data.usage.output_tokens).toBe(openai.usage?.completion_tokens);
  });

  it("sends the system prompt upstream as a system message, and max_tokens as the output limit", async () => {
    const message = await client.messages.create({
      model,
      max_tokens: 64,
      system: "You are terse.",
      messages: [{ role: "user", content: "Describe a railway switchyard" }],
      metadata: { user_id: "user-42" },
    });
    expect(textOf(message).length).toBeGreaterThan(0);
    const upstream = await lastUpstreamBody(harness.emulator("azure-eastus"));
    expect(upstream["messages"]).toEqual([
      { role: "system", content: "You are terse." },
      { role: "user", content: "Describe a railway switchyard" },
    ]);
    expect(upstream["max_completion_tokens"]).toBe(64);
    expect(upstream["user"]).toBe("user-42");
  });

  it("returns a tool_use block, then continues after the client's tool_result", async () => {
    const question = { role: "user" as const, content: "Weather in Oslo?" };
    const first = await client.messages.create({
      model,
      max_tokens: 256,
      messages: [question],
      tools: [weatherTool],
      tool_choice: { type: "tool", name: "get_weather" },
    });
    expect(first.stop_reason).toBe("tool_use");
    const call = first.content.find((block) => block.type === "tool_use");
    if (call?.type !== "tool_use") throw new Error("expected a tool_use block");
    expect(call.name).toBe("get_weather");
    expect(call.id).toEqual(expect.any(String));
    const input = call.input as { city: unknown; unit: unknown };
    expect(typeof input.city).toBe("string");
    expect(["c", "f"]).toContain(input.unit);

    const second = await client.messages.create({
      model,
      max_tokens: 256,
      tools: [weatherTool],
      messages: [
        question,
        { role: "assistant", content: first.content },
        { role: "user", content: [{ type: "tool_result", tool_use_id: call.id, content: '{"temp_c":4}' }] },
      ],
    });
    expect(second.stop_reason).toBe("end_turn");
    // The emulator names the tool whose call id the result answers: the ids survived the round trip.
    expect(textOf(second)).toContain("get_weather");
    const upstream = await lastUpstreamBody(harness.emulator("azure-eastus"));
    const messages = upstream["messages"] as Record<string, unknown>[];
    expect(messages.slice(1)).toEqual([
      {
        role: "assistant",
        content: null,
        tool_calls: [
          {
            id: call.id,
            type: "function",
            function: { name: "get_weather", arguments: JSON.stringify(call.input) },
          },
        ],
      },
      { role: "tool", tool_call_id: call.id, content: '{"temp_c":4}' },
    ]);
  });
});

describe("messages.stream", () => {
  it("streams text that the SDK assembles into the same message, with final usage and stop reason", async () => {
    const params = {
      model,
      max_tokens: 512,
      messages: [{ role: "user" as const, content: "Tell me about switchyards" }],
    };
    const whole = await client.messages.create(params);
    const stream = client.messages.stream(params);
    let text = "";
    const events: string[] = [];
    stream.on("text", (delta) => {
      text += delta;
    });
    stream.on("streamEvent", (event) => {
      events.push(event.type);
    });
    const final = await stream.finalMessage();
    expect(text).toBe(textOf(whole));
    expect(textOf(final)).toBe(text);
    expect(final.id).toMatch(/^msg_/);
    expect(final.stop_reason).toBe("end_turn");
    expect(final.usage.input_tokens).toBe(whole.usage.input_tokens);
    expect(final.usage.output_tokens).toBe(whole.usage.output_tokens);
    expect(events[0]).toBe("message_start");
    expect(events[1]).toBe("content_block_start");
    expect(events.slice(-3)).toEqual(["content_block_stop", "message_delta", "message_stop"]);
    expect(new Set(events.slice(2, -3))).toEqual(new Set(["content_block_delta"]));
  });

  it("issue 9: message_start reports the input tokens (the gateway's count for an OpenAI upstream), message_delta the upstream's", async () => {
    const params = {
      model,
      max_tokens: 64,
      messages: [{ role: "user" as const, content: "Tell me about switchyards and their signals" }],
    };
    const counted = await client.messages.countTokens({ model, messages: params.messages });
    const stream = client.messages.stream(params);
    const starts: number[] = [];
    const deltas: (number | null)[] = [];
    stream.on("streamEvent", (event) => {
      if (event.type === "message_start") starts.push(event.message.usage.input_tokens);
      if (event.type === "message_delta") deltas.push(event.usage.input_tokens);
    });
    const final = await stream.finalMessage();
    expect(starts).toEqual([counted.input_tokens]);
    expect(starts[0]).toBeGreaterThan(0);
    expect(deltas).toEqual([final.usage.input_tokens]);
    expect(final.usage.input_tokens).toBeGreaterThan(0);
  });

  it("issue 9: message_start passes on the upstream's own input tokens when it reports them first (Anthropic)", async () => {
    const params = {
      model: "claude-sonnet-4-6",
      max_tokens: 64,
      messages: [{ role: "user" as const, content: "Tell me about switchyards" }],
    };
    const stream = client.messages.stream(params, { headers: { "x-switchyard-providers": "anthropic" } });
    let start: number | undefined;
    stream.on("streamEvent", (event) => {
      if (event.type === "message_start") start = event.message.usage.input_tokens;
    });
    const final = await stream.finalMessage();
    expect(start).toBeGreaterThan(0);
    expect(start).toBe(final.usage.input_tokens);
  });

  it("streams a tool call whose input the SDK assembles", async () => {
    const stream = client.messages.stream({
      model,
      max_tokens: 256,
      messages: [{ role: "user", content: "What is the weather in Paris?" }],
      tools: [weatherTool],
      tool_choice: { type: "any" },
    });
    const jsonDeltas: string[] = [];
    stream.on("inputJson", (partial) => {
      jsonDeltas.push(partial);
    });
    const final = await stream.finalMessage();
    expect(final.stop_reason).toBe("tool_use");
    const call = final.content.find((block) => block.type === "tool_use");
    if (call?.type !== "tool_use") throw new Error("expected a tool_use block");
    expect(call.name).toBe("get_weather");
    expect(call.input).toEqual(JSON.parse(jsonDeltas.join("")));
    const input = call.input as { city: unknown; unit: unknown };
    expect(typeof input.city).toBe("string");
    expect(["c", "f"]).toContain(input.unit);
  });

  it("ends the stream with an error event the SDK raises when the upstream is cut after the first byte", async () => {
    await setFault(harness.emulator("azure-eastus"), { cut_after_chunks: 3 });
    const stream = client.messages.stream({
      model,
      max_tokens: 512,
      messages: [{ role: "user", content: "Tell me a long story about trains" }],
    });
    let text = "";
    stream.on("text", (delta) => {
      text += delta;
    });
    const error = await stream.finalMessage().catch((caught: unknown) => caught);
    expect(text.length).toBeGreaterThan(0);
    expect(error).toBeInstanceOf(APIError);
    expect(envelope(error)).toEqual({
      type: "error",
      error: {
        type: "api_error",
        message: expect.any(String),
        // The cut reaches the gateway as a reset socket or a stream without its end, by timing.
        details: { error_code: expect.stringMatching(/^upstream_(connection_failed|stream_truncated)$/) },
      },
      request_id: expect.stringMatching(/^req_/),
    });
    expect(await requestCount(harness.emulator("openai"))).toBe(0);
  });
});

describe("messages.countTokens", () => {
  it("estimates input tokens the way the upstream counts them, tools included", async () => {
    const messages = [{ role: "user" as const, content: "How many tokens is this sentence?" }];
    const counted = await client.messages.countTokens({ model, messages });
    const answered = await client.messages.create({ model, max_tokens: 16, messages });
    expect(counted.input_tokens).toBe(answered.usage.input_tokens);
    const withTools = await client.messages.countTokens({ model, messages, tools: [weatherTool] });
    expect(withTools.input_tokens).toBeGreaterThan(counted.input_tokens);
    // Only the one create reached an upstream: counting is the gateway's own.
    const azure = await requestCount(harness.emulator("azure-eastus"));
    const openai = await requestCount(harness.emulator("openai"));
    expect(azure + openai).toBe(1);
  });
});

describe("errors in Anthropic's envelope", () => {
  it("names max_tokens when it is missing", async () => {
    const error = await client.messages
      .create({
        model,
        messages: [{ role: "user", content: "hi" }],
      } as unknown as Anthropic.MessageCreateParamsNonStreaming)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BadRequestError);
    expect(envelope(error)).toEqual({
      type: "error",
      error: {
        type: "invalid_request_error",
        message: "max_tokens: Field required",
        details: { error_code: "missing_required_parameter", param: "max_tokens" },
      },
      request_id: expect.stringMatching(/^req_/),
    });
  });

  it("refuses a server tool with a 400 naming it", async () => {
    const error = await client.messages
      .create({
        model,
        max_tokens: 64,
        messages: [{ role: "user", content: "search the web" }],
        tools: [{ type: "web_search_20250305", name: "web_search" }],
      })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BadRequestError);
    const body = envelope(error);
    expect(body.error.message).toMatch(/^tools\.0\.type: server tool 'web_search_20250305'/);
  });

  it("raises AuthenticationError for a bad key", async () => {
    const stranger = new Anthropic({ apiKey: "sk-wrong", baseURL: harness.gateway.url, maxRetries: 0 });
    const error = await stranger.messages
      .create({ model, max_tokens: 16, messages: [{ role: "user", content: "hi" }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuthenticationError);
    const body = envelope(error);
    expect(body.error.type).toBe("authentication_error");
  });

  it("raises NotFoundError for an unknown model", async () => {
    const error = await client.messages
      .create({ model: "claude-nope", max_tokens: 16, messages: [{ role: "user", content: "hi" }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NotFoundError);
    const body = envelope(error);
    expect(body.error.type).toBe("not_found_error");
    expect(body.error.message).toContain("claude-nope");
  });

  it.each([
    ["GET on /v1/messages", "GET", "/v1/messages", "{}", 405, "invalid_request_error", "method_not_allowed"],
    [
      "an unknown path below it",
      "POST",
      "/v1/messages/batches",
      "{}",
      404,
      "not_found_error",
      "route_not_found",
    ],
    ["malformed JSON", "POST", "/v1/messages", "{nope", 400, "invalid_request_error", "invalid_json"],
    [
      "a body over the limit",
      "POST",
      "/v1/messages",
      `{"x":"${"a".repeat(70_000)}"}`,
      413,
      "request_too_large",
      "body_too_large",
    ],
  ])("answers %s in Anthropic's envelope", async (_name, method, path, body, status, type, code) => {
    const response = await httpRequest(`${harness.gateway.url}${path}`, {
      method,
      headers: {
        "x-api-key": testKey,
        "content-type": "application/json",
        "anthropic-version": "2023-06-01",
      },
      ...(method === "GET" ? {} : { body }),
    });
    const answer = await response.body.json();
    expect(response.statusCode).toBe(status);
    expect(answer).toEqual({
      type: "error",
      error: { type, message: expect.any(String), details: { error_code: code } },
      request_id: response.headers["x-request-id"],
    });
  });
});

describe("failover", () => {
  it("answers from the next offering when the first returns 503, and says so in the headers", async () => {
    await setFault(harness.emulator("azure-eastus"), { status: 503 });
    const { data, response } = await client.messages
      .create({ model, max_tokens: 64, messages: [{ role: "user", content: "Hello" }] })
      .withResponse();
    expect(textOf(data).length).toBeGreaterThan(0);
    expectServedBy(response.headers, "openai");
    expect(Number(response.headers.get("x-switchyard-attempts"))).toBeGreaterThanOrEqual(2);
    expect(response.headers.get("x-switchyard-offering")).toBe("gpt-4o-mini@openai");
  });

  it("fails a stream over before its first byte", async () => {
    await setFault(harness.emulator("azure-eastus"), { status: 503 });
    const { data: stream, response } = await client.messages
      .create({ model, max_tokens: 64, messages: [{ role: "user", content: "Hello" }], stream: true })
      .withResponse();
    let text = "";
    for await (const event of stream) {
      if (event.type === "content_block_delta" && event.delta.type === "text_delta") text += event.delta.text;
    }
    expect(text.length).toBeGreaterThan(0);
    expectServedBy(response.headers, "openai");
    expect(Number(response.headers.get("x-switchyard-attempts"))).toBeGreaterThanOrEqual(2);
  });
});
