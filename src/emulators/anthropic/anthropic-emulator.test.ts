import Anthropic from "@anthropic-ai/sdk";
import { countTokens } from "gpt-tokenizer";
import { request } from "undici";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../types.js";
import { startAnthropicEmulator } from "./anthropic-emulator.js";

const apiKey = "sk-ant-emulator";
const model = "claude-sonnet-4-20250514";
const weatherTool = {
  name: "get_weather",
  description: "Weather for a city",
  input_schema: {
    type: "object" as const,
    properties: { city: { type: "string" }, days: { type: "integer" } },
    required: ["city", "days"],
  },
};

let emulator: RunningEmulator;
let client: Anthropic;

beforeAll(async () => {
  emulator = await startAnthropicEmulator({ apiKey });
  client = new Anthropic({ apiKey, baseURL: emulator.baseUrl, maxRetries: 0 });
});
afterAll(() => emulator.close());
beforeEach(() => {
  emulator.faults.clear();
  emulator.faults.resetRequests();
});

describe("anthropic emulator through the official @anthropic-ai/sdk", () => {
  it("messages.create: a deterministic text answer with honest usage and Anthropic ids", async () => {
    const params = {
      model,
      max_tokens: 200,
      messages: [{ role: "user" as const, content: "Hello there, Claude emulator" }],
    };
    const first = await client.messages.create(params);
    const second = await client.messages.create(params);
    expect(first.type).toBe("message");
    expect(first.role).toBe("assistant");
    expect(first.model).toBe(model);
    expect(first.id).toMatch(/^msg_01[A-Za-z0-9]{22}$/);
    expect(first.id).not.toBe(second.id);
    expect(first.stop_reason).toBe("end_turn");
    expect(first.stop_sequence).toBeNull();
    const block = first.content[0];
    const text = block?.type === "text" ? block.text : "";
    expect(text).toContain('You said: "Hello there, Claude emulator"');
    expect(second.content).toEqual(first.content);
    expect(first.usage.output_tokens).toBe(countTokens(text));
    expect(first.usage.input_tokens).toBe(3 + 3 + countTokens("Hello there, Claude emulator"));
    expect(first._request_id).toMatch(/^req_011C/);
    const log = emulator.faults.requests();
    expect(log.count).toBe(2);
    expect(log.last_path).toBe("/v1/messages");
    // SDK 1.x presents the key as a Bearer token; `x-api-key` (what the gateway sends) is tested below.
    expect(log.last_headers?.["x-api-key"] ?? log.last_headers?.authorization).toMatch(apiKey);
    expect(log.last_headers?.["anthropic-version"]).toBeTruthy();
  });

  it("a system prompt is counted, and max_tokens / stop_sequences end the answer as Anthropic says", async () => {
    const messages = [{ role: "user" as const, content: "Tell me something" }];
    const plain = await client.messages.create({ model, max_tokens: 200, messages });
    const withSystem = await client.messages.create({
      model,
      max_tokens: 200,
      system: "Be terse.",
      messages,
    });
    expect(withSystem.usage.input_tokens).toBe(plain.usage.input_tokens + 3 + countTokens("Be terse."));
    const capped = await client.messages.create({ model, max_tokens: 3, messages });
    expect(capped.stop_reason).toBe("max_tokens");
    expect(capped.usage.output_tokens).toBe(3);
    const full = plain.content[0]?.type === "text" ? plain.content[0].text : "";
    const stopWord = full.split(" ")[2] ?? "";
    const stopped = await client.messages.create({
      model,
      max_tokens: 200,
      messages,
      stop_sequences: [stopWord],
    });
    expect(stopped.stop_reason).toBe("stop_sequence");
    expect(stopped.stop_sequence).toBe(stopWord);
    expect(stopped.content[0]?.type === "text" && stopped.content[0].text).toBe(
      full.slice(0, full.indexOf(stopWord)),
    );
  });

  it("tool use: tool_use blocks with input from the schema, then an answer from the tool_result", async () => {
    const message = await client.messages.create({
      model,
      max_tokens: 300,
      tools: [weatherTool],
      tool_choice: { type: "any" },
      messages: [{ role: "user", content: "Weather in Paris please" }],
    });
    expect(message.stop_reason).toBe("tool_use");
    const call = message.content.find((block) => block.type === "tool_use");
    if (call?.type !== "tool_use") throw new Error("no tool_use block");
    expect(call.id).toMatch(/^toolu_01/);
    expect(call.name).toBe("get_weather");
    expect(call.input).toEqual({ city: expect.any(String) as unknown, days: 42 });
    const answer = await client.messages.create({
      model,
      max_tokens: 300,
      tools: [weatherTool],
      messages: [
        { role: "user", content: "Weather in Paris please" },
        { role: "assistant", content: message.content },
        { role: "user", content: [{ type: "tool_result", tool_use_id: call.id, content: "21 degrees" }] },
      ],
    });
    expect(answer.stop_reason).toBe("end_turn");
    expect(answer.content[0]?.type === "text" && answer.content[0].text).toContain(
      "The get_weather tool returned: 21 degrees.",
    );
  });

  it("validates like Anthropic: max_tokens required, roles, tool_result pairing → BadRequestError", async () => {
    const bad = async (body: Record<string, unknown>) => {
      const error: unknown = await client.messages
        .create(body as unknown as Anthropic.MessageCreateParamsNonStreaming)
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(Anthropic.BadRequestError);
      const apiError = error as InstanceType<typeof Anthropic.BadRequestError>;
      expect(apiError.type).toBe("invalid_request_error");
      return apiError.apiMessage;
    };
    expect(await bad({ model, messages: [{ role: "user", content: "hi" }] })).toBe(
      "max_tokens: Field required",
    );
    expect(await bad({ model, max_tokens: 5, messages: [{ role: "system", content: "hi" }] })).toBe(
      "messages.0.role: Input should be 'user' or 'assistant'",
    );
    expect(
      await bad({
        model,
        max_tokens: 5,
        messages: [
          { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_x", content: "?" }] },
        ],
      }),
    ).toContain("unexpected `tool_use_id` found in `tool_result` blocks: toolu_x");
    // Consecutive same-role turns are accepted: the API merges them.
    const merged = await client.messages.create({
      model,
      max_tokens: 50,
      messages: [
        { role: "user", content: "one" },
        { role: "user", content: "two" },
      ],
    });
    expect(merged.stop_reason).toBeDefined();
  });

  it("messages.stream: SDK helpers assemble the text, and finalMessage carries the final usage", async () => {
    const deltas: string[] = [];
    const stream = client.messages.stream({
      model,
      max_tokens: 200,
      messages: [{ role: "user", content: "Stream to me" }],
    });
    stream.on("text", (delta) => deltas.push(delta));
    const final = await stream.finalMessage();
    const direct = await client.messages.create({
      model,
      max_tokens: 200,
      messages: [{ role: "user", content: "Stream to me" }],
    });
    const text = final.content[0]?.type === "text" ? final.content[0].text : "";
    expect(deltas.length).toBeGreaterThan(3);
    expect(deltas.join("")).toBe(text);
    expect(final.content).toEqual(direct.content);
    expect(final.stop_reason).toBe("end_turn");
    expect(final.usage.output_tokens).toBe(direct.usage.output_tokens);
    expect(final.usage.input_tokens).toBe(direct.usage.input_tokens);
  });

  it("create({stream:true}): the exact event sequence, and tool input assembled from input_json_delta", async () => {
    const events = await client.messages.create({
      model,
      max_tokens: 300,
      stream: true,
      tools: [weatherTool],
      tool_choice: { type: "tool", name: "get_weather" },
      messages: [{ role: "user", content: "Weather in Rome" }],
    });
    const types: string[] = [];
    let json = "";
    for await (const event of events) {
      types.push(event.type);
      if (event.type === "content_block_delta" && event.delta.type === "input_json_delta")
        json += event.delta.partial_json;
    }
    expect(types[0]).toBe("message_start");
    expect(types[1]).toBe("content_block_start");
    expect(types.slice(-3)).toEqual(["content_block_stop", "message_delta", "message_stop"]);
    expect(types.filter((type) => type === "content_block_start")).toHaveLength(1);
    expect(JSON.parse(json)).toEqual({ city: expect.any(String) as unknown, days: 42 });

    const stream = client.messages.stream({
      model,
      max_tokens: 300,
      tools: [weatherTool],
      tool_choice: { type: "tool", name: "get_weather" },
      messages: [{ role: "user", content: "Weather in Rome" }],
    });
    const final = await stream.finalMessage();
    const block = final.content[0];
    expect(block?.type === "tool_use" && block.input).toEqual(JSON.parse(json));
    expect(final.stop_reason).toBe("tool_use");
  });

  it("the wire: named events, a ping after the first block opens, cumulative message_delta usage", async () => {
    const answer = await request(`${emulator.url}/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": apiKey, "anthropic-version": "2023-06-01", "content-type": "application/json" },
      body: JSON.stringify({
        model,
        max_tokens: 100,
        stream: true,
        messages: [{ role: "user", content: "Hi" }],
      }),
    });
    expect(answer.statusCode).toBe(200);
    expect(answer.headers["content-type"]).toMatch(/^text\/event-stream/);
    expect(answer.headers["request-id"]).toMatch(/^req_011C/);
    const text = await answer.body.text();
    const frames = text.split("\n\n").filter((frame) => frame !== "");
    const names = frames.map((frame) => /^event: (.+)$/m.exec(frame)?.[1]);
    expect(names.slice(0, 3)).toEqual(["message_start", "content_block_start", "ping"]);
    for (const frame of frames) {
      const [eventLine, dataLine] = frame.split("\n");
      expect((JSON.parse(dataLine?.slice("data: ".length) ?? "") as { type: string }).type).toBe(
        eventLine?.slice("event: ".length),
      );
    }
    const delta = JSON.parse(frames.at(-2)?.split("\n")[1]?.slice(6) ?? "") as {
      usage: { output_tokens: number; input_tokens: number };
    };
    expect(delta.usage.output_tokens).toBeGreaterThan(1);
    expect(delta.usage.input_tokens).toBe(3 + 3 + countTokens("Hi"));
  });

  it("countTokens counts what messages.create reports as input", async () => {
    const params = {
      model,
      system: "You are a weather bot.",
      tools: [weatherTool],
      messages: [{ role: "user" as const, content: "Weather in Oslo?" }],
    };
    const counted = await client.messages.countTokens(params);
    const created = await client.messages.create({
      ...params,
      max_tokens: 100,
      tool_choice: { type: "none" },
    });
    expect(counted.input_tokens).toBe(created.usage.input_tokens);
    expect(emulator.faults.requests().count).toBe(1);
  });

  it("models.list and models.retrieve", async () => {
    const page = await client.models.list();
    expect(page.data.map((entry) => entry.id)).toContain(model);
    const one = await client.models.retrieve(model);
    expect(one.type).toBe("model");
    await expect(client.models.retrieve("missing-model")).rejects.toBeInstanceOf(Anthropic.NotFoundError);
  });

  it("a bad key is an AuthenticationError; a missing anthropic-version is a 400", async () => {
    const wrong = new Anthropic({ apiKey: "sk-wrong", baseURL: emulator.baseUrl, maxRetries: 0 });
    const error: unknown = await wrong.messages
      .create({ model, max_tokens: 5, messages: [{ role: "user", content: "hi" }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.AuthenticationError);
    expect((error as InstanceType<typeof Anthropic.AuthenticationError>).type).toBe("authentication_error");
    const unversioned = await request(`${emulator.url}/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": apiKey, "content-type": "application/json" },
      body: JSON.stringify({ model, max_tokens: 5, messages: [{ role: "user", content: "hi" }] }),
    });
    expect(unversioned.statusCode).toBe(400);
    expect(await unversioned.body.json()).toMatchObject({
      type: "error",
      error: { type: "invalid_request_error", message: "anthropic-version: header is required" },
    });
  });

  it("status faults: 429 → RateLimitError with retry-after, 529 → OverloadedError, 500 → InternalServerError", async () => {
    const params = { model, max_tokens: 5, messages: [{ role: "user" as const, content: "hi" }] };
    emulator.faults.set({ status: 429, retry_after_s: 3, count: 1 });
    const limited: unknown = await client.messages.create(params).catch((caught: unknown) => caught);
    expect(limited).toBeInstanceOf(Anthropic.RateLimitError);
    const rateLimit = limited as InstanceType<typeof Anthropic.RateLimitError>;
    expect(rateLimit.headers.get("retry-after")).toBe("3");
    expect(rateLimit.type).toBe("rate_limit_error");
    emulator.faults.set({ status: 529, count: 1 });
    const overloaded: unknown = await client.messages.create(params).catch((caught: unknown) => caught);
    expect(overloaded).toBeInstanceOf(Anthropic.OverloadedError);
    expect((overloaded as InstanceType<typeof Anthropic.OverloadedError>).type).toBe("overloaded_error");
    emulator.faults.set({ status: 500, count: 1 });
    await expect(client.messages.create(params)).rejects.toBeInstanceOf(Anthropic.InternalServerError);
    expect((await client.messages.create(params)).type).toBe("message");
  });

  it("stream_error: an `error` event inside the 200 stream surfaces as the SDK's APIError", async () => {
    emulator.faults.set({ stream_error: true, stream_error_after_chunks: 4, match: "stream" });
    const received: string[] = [];
    const events = await client.messages.create({
      model,
      max_tokens: 100,
      stream: true,
      messages: [{ role: "user", content: "Hello" }],
    });
    const error: unknown = await (async () => {
      for await (const event of events) received.push(event.type);
    })().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect((error as InstanceType<typeof Anthropic.APIError>).type).toBe("overloaded_error");
    // message_start, content_block_start, (ping is swallowed by the SDK), one delta.
    expect(received).toEqual(["message_start", "content_block_start", "content_block_delta"]);
    // Non-streaming requests are untouched by a stream-only fault.
    expect(
      (await client.messages.create({ model, max_tokens: 5, messages: [{ role: "user", content: "x" }] }))
        .type,
    ).toBe("message");
  });

  it("cut_after_chunks: the SDK sees the events that arrived, then the connection dies", async () => {
    emulator.faults.set({ cut_after_chunks: 2, count: 1 });
    const received: string[] = [];
    const events = await client.messages.create({
      model,
      max_tokens: 100,
      stream: true,
      messages: [{ role: "user", content: "Hello" }],
    });
    const error: unknown = await (async () => {
      for await (const event of events) received.push(event.type);
    })().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Error);
    expect(received).toEqual(["message_start", "content_block_start"]);
  });
});
