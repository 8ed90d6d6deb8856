import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEmulator } from "./index.js";
import type { EmulatorKind, RunningEmulator } from "./index.js";

/**
 * The Responses API of the OpenAI and Azure emulators (`POST /v1/responses`, Azure `/openai/v1/responses`),
 * trusted because the official `openai` SDK's `client.responses.create` and `client.responses.stream`
 * work against it unmodified. The same faults as chat apply.
 */
const weatherTool = {
  type: "function" as const,
  name: "get_weather",
  description: "Weather for a city",
  parameters: {
    type: "object",
    properties: { city: { type: "string" }, days: { type: "integer" } },
    required: ["city", "days"],
    additionalProperties: false,
  },
  strict: true,
};

describe.each<EmulatorKind>(["openai", "azure"])("the %s emulator's Responses API", (kind) => {
  let emulator: RunningEmulator;
  let client: OpenAI;
  const apiKey = `key-${kind}`;

  beforeAll(async () => {
    emulator = await startEmulator({ kind, apiKey, name: kind === "azure" ? "azure-eastus" : kind });
    // Azure's v1 route takes a plain OpenAI client (Bearer key); the deployment is the body's model.
    const baseURL = kind === "azure" ? `${emulator.url}/openai/v1` : emulator.baseUrl;
    client = new OpenAI({ apiKey, baseURL, maxRetries: 0 });
  });
  afterAll(() => emulator.close());
  beforeEach(() => emulator.faults.clear());

  it("answers the same words as Chat Completions, with usage in the Responses API's fields", async () => {
    const input = "Hello there, emulator";
    const response = await client.responses.create({ model: "gpt-4.1", input, store: false });
    const chat = await client.chat.completions.create({
      model: "gpt-4.1",
      messages: [{ role: "user", content: input }],
    });
    expect(response.object).toBe("response");
    expect(response.id).toMatch(/^resp_/);
    expect(response.status).toBe("completed");
    expect(response.model).toBe("gpt-4.1-2025-04-14");
    expect(response.output_text).toBe(chat.choices[0]?.message.content);
    expect(response.usage).toEqual({
      input_tokens: chat.usage?.prompt_tokens,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: chat.usage?.completion_tokens,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: chat.usage?.total_tokens,
    });
    // `store` is echoed as OpenAI does (the SDK's Response type leaves it out).
    expect((response as unknown as { store: boolean }).store).toBe(false);
  });

  it("streams semantic events that the SDK's stream helper assembles into the same response", async () => {
    const request = { model: "gpt-4.1", input: "Tell me about rail yards" };
    const whole = await client.responses.create(request);
    const stream = client.responses.stream(request);
    const types: string[] = [];
    let deltas = "";
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === "response.output_text.delta") deltas += event.delta;
    }
    const final = await stream.finalResponse();
    expect(deltas).toBe(whole.output_text);
    // The stream helper's final response has no `output_text` convenience: read the message item.
    const message = final.output.find((item) => item.type === "message");
    expect(message?.content).toEqual([
      expect.objectContaining({ type: "output_text", text: whole.output_text }),
    ]);
    expect(final.usage).toEqual(whole.usage);
    expect(types.slice(0, 4)).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.content_part.added",
    ]);
    expect(types.slice(-4)).toEqual([
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.completed",
    ]);
  });

  it("calls function tools, streamed and not, with call ids and flat tools", async () => {
    const request = { model: "gpt-4.1", input: "Weather in Lisbon please", tools: [weatherTool] };
    const whole = await client.responses.create(request);
    const calls = whole.output.filter((item) => item.type === "function_call");
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ name: "get_weather", call_id: expect.stringMatching(/^call_/) });
    expect(JSON.parse(calls[0]?.arguments ?? "")).toEqual({ city: expect.any(String), days: 42 });
    const final = await client.responses.stream(request).finalResponse();
    expect(final.output.filter((item) => item.type === "function_call")).toMatchObject([
      { name: "get_weather", arguments: calls[0]?.arguments },
    ]);

    // The tool's result answers the call by its call_id.
    const answer = await client.responses.create({
      model: "gpt-4.1",
      tools: [weatherTool],
      input: [
        { role: "user", content: "Weather in Lisbon please" },
        { type: "function_call", call_id: "call_1", name: "get_weather", arguments: "{}" },
        { type: "function_call_output", call_id: "call_1", output: "sunny, 24 C" },
      ],
    });
    expect(answer.output_text).toContain("The get_weather tool returned: sunny, 24 C.");
  });

  it("stops at max_output_tokens: incomplete, with its reason", async () => {
    const response = await client.responses.create({
      model: "gpt-4.1",
      input: "Tell me a long story about rail yards",
      max_output_tokens: 16,
    });
    expect(response.status).toBe("incomplete");
    expect(response.incomplete_details).toEqual({ reason: "max_output_tokens" });
    expect(response.usage?.output_tokens).toBe(16);
  });

  it("refuses what OpenAI refuses, in OpenAI's words", async () => {
    await expect(
      client.responses.create({ model: "gpt-4.1", input: "hi", max_output_tokens: 5 }),
    ).rejects.toMatchObject({
      status: 400,
      param: "max_output_tokens",
      code: "integer_below_min_value",
    });
    await expect(
      client.responses.create({ model: "gpt-4.1", input: "hi", previous_response_id: "resp_unknown" }),
    ).rejects.toMatchObject({ status: 400, param: "previous_response_id" });
  });

  it("serves a Responses-only model there, and refuses it on Chat Completions as the real service does", async () => {
    const response = await client.responses.create({ model: "gpt-5-pro", input: "Hello" });
    expect(response.status).toBe("completed");
    const refused = client.chat.completions.create({
      model: "gpt-5-pro",
      messages: [{ role: "user", content: "Hello" }],
    });
    if (kind === "openai") {
      await expect(refused).rejects.toMatchObject({
        status: 404,
        param: "model",
        message: expect.stringContaining("only supported in v1/responses"),
      });
    } else {
      await expect(refused).rejects.toMatchObject({ status: 400, code: "OperationNotSupported" });
    }
  });

  it("takes the chat faults: a status, and an error event inside the stream", async () => {
    emulator.faults.set({ status: 503, count: 1 });
    await expect(client.responses.create({ model: "gpt-4.1", input: "hi" })).rejects.toMatchObject({
      status: 503,
    });
    emulator.faults.set({ stream_error: true, stream_error_after_chunks: 3, count: 1 });
    const stream = await client.responses.create({ model: "gpt-4.1", input: "hi", stream: true });
    const events: { type: string; code?: string | null }[] = [];
    for await (const event of stream) events.push(event);
    expect(events.map((event) => event.type)).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "error",
    ]);
    expect(events[3]).toMatchObject({ code: "server_error" });
    expect(emulator.faults.requests().last_path).toBe(
      kind === "azure" ? "/openai/v1/responses" : "/v1/responses",
    );
  });

  it("cuts a stream short on cut_after_chunks", async () => {
    emulator.faults.set({ cut_after_chunks: 2, match: "stream", count: 1 });
    const stream = await client.responses.create({ model: "gpt-4.1", input: "hi", stream: true });
    const types: string[] = [];
    await expect(
      (async () => {
        for await (const event of stream) types.push(event.type);
      })(),
    ).rejects.toThrow();
    expect(types).toEqual(["response.created", "response.in_progress"]);
  });
});
