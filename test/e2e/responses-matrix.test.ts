import type OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../support/harness.js";

/**
 * The Responses API in front of every cloud: the official OpenAI SDK's `client.responses.create` and
 * `client.responses.stream` × every provider kind × {plain, streamed, tool call then tool result,
 * `previous_response_id` second turn, JSON schema}, through a real gateway socket into each kind's own
 * emulator. `x-switchyard-providers` pins each request to the cell's provider.
 */
let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(async () => {
  await harness.close();
});

const cells: { kind: string; provider: string; model: string }[] = [
  { kind: "openai", provider: "openai", model: "gpt-4o-mini" },
  { kind: "azure", provider: "azure-eastus", model: "gpt-4o-mini" },
  { kind: "bedrock (Claude)", provider: "aws-us-east-1", model: "claude-sonnet-4-6" },
  { kind: "bedrock (Llama)", provider: "aws-us-east-1", model: "llama-3.3-70b" },
  { kind: "vertex (Gemini)", provider: "gcp-us-central1", model: "gemini-2.5-flash" },
  { kind: "vertex (Claude)", provider: "gcp-europe-west4", model: "claude-sonnet-4-6" },
  { kind: "gemini", provider: "gemini", model: "gemini-2.5-flash" },
  { kind: "anthropic", provider: "anthropic", model: "claude-sonnet-4-6" },
  { kind: "openai-compatible", provider: "llama-host", model: "llama-3.3-70b" },
];

/** The answer's text, from its output items (the SDK adds `output_text` to created responses only). */
function textOf(response: OpenAI.Responses.Response): string {
  let text = "";
  for (const item of response.output)
    if (item.type === "message")
      for (const part of item.content) if (part.type === "output_text") text += part.text;
  return text;
}

const weather: OpenAI.Responses.FunctionTool = {
  type: "function",
  name: "get_weather",
  description: "Current weather for a city",
  parameters: {
    type: "object",
    properties: { city: { type: "string" } },
    required: ["city"],
    additionalProperties: false,
  },
  strict: true,
};

describe.each(cells)("$kind ($provider, $model)", ({ provider, model }) => {
  const headers = { "x-switchyard-providers": provider };
  const client = (): OpenAI => harness.client;

  it("responses.create: plain", async () => {
    const { data, response } = await client()
      .responses.create({ model, input: "Say hello", instructions: "Be brief." }, { headers })
      .withResponse();
    expect(response.headers.get("x-switchyard-provider")).toBe(provider);
    expect(data.object).toBe("response");
    expect(data.status).toBe("completed");
    expect(data.id).toMatch(/^resp_/);
    expect(data.output_text.length).toBeGreaterThan(0);
    const message = data.output.find((item) => item.type === "message");
    expect(message?.type === "message" ? message.content[0]?.type : undefined).toBe("output_text");
    expect(data.usage?.input_tokens).toBeGreaterThan(0);
    expect(data.usage?.output_tokens).toBeGreaterThan(0);
    expect(data.usage?.input_tokens_details.cached_tokens).toBeGreaterThanOrEqual(0);
  });

  it("responses.stream: the events in order with sequence numbers, and the final response", async () => {
    const stream = client().responses.stream({ model, input: "Say hello" }, { headers });
    const types: string[] = [];
    const sequence: number[] = [];
    let deltas = "";
    stream.on("response.output_text.delta", (event) => {
      deltas += event.delta;
    });
    for await (const event of stream) {
      types.push(event.type);
      sequence.push(event.sequence_number);
    }
    const final = await stream.finalResponse();
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
    expect(sequence).toEqual(sequence.map((_, index) => index));
    expect(deltas.length).toBeGreaterThan(0);
    expect(textOf(final)).toBe(deltas);
    expect(final.status).toBe("completed");
    expect(final.usage?.output_tokens).toBeGreaterThan(0);
  });

  it("a tool call, then its result in the next request (stateless), then the answer", async () => {
    const input: OpenAI.Responses.ResponseInput = [
      { role: "user", content: "What is the weather in Paris?" },
    ];
    const first = await client().responses.create(
      { model, input, tools: [weather], tool_choice: "required", store: false },
      { headers },
    );
    const call = first.output.find((item) => item.type === "function_call");
    expect(call?.type).toBe("function_call");
    if (call?.type !== "function_call") return;
    expect(call.name).toBe("get_weather");
    expect(typeof (JSON.parse(call.arguments) as { city?: unknown }).city).toBe("string");
    const second = await client().responses.create(
      {
        model,
        input: [
          ...input,
          call,
          { type: "function_call_output", call_id: call.call_id, output: '{"celsius": 21}' },
        ],
        tools: [weather],
      },
      { headers },
    );
    expect(second.status).toBe("completed");
    expect(second.output_text.length).toBeGreaterThan(0);
  });

  it("a streamed tool call: function_call_arguments events and the call in the final response", async () => {
    const stream = client().responses.stream(
      { model, input: "What is the weather in Paris?", tools: [weather], tool_choice: "required" },
      { headers },
    );
    let argumentsDone: string | undefined;
    stream.on("response.function_call_arguments.done", (event) => {
      argumentsDone = event.arguments;
    });
    const final = await stream.finalResponse();
    const call = final.output.find((item) => item.type === "function_call");
    expect(call?.type === "function_call" ? call.arguments : undefined).toBe(argumentsDone);
    expect(typeof (JSON.parse(argumentsDone ?? "null") as { city?: unknown }).city).toBe("string");
  });

  it("previous_response_id: the second turn carries the first, tool result included", async () => {
    const first = await client().responses.create(
      { model, input: "What is the weather in Paris?", tools: [weather], tool_choice: "required" },
      { headers },
    );
    const call = first.output.find((item) => item.type === "function_call");
    if (call?.type !== "function_call") throw new Error("no function call in the first turn");
    const second = await client().responses.create(
      {
        model,
        previous_response_id: first.id,
        input: [{ type: "function_call_output", call_id: call.call_id, output: '{"celsius": 21}' }],
        tools: [weather],
      },
      { headers },
    );
    expect(second.previous_response_id).toBe(first.id);
    expect(second.output_text.length).toBeGreaterThan(0);
    // The replayed history reached the upstream: the second turn's input is larger than its own input.
    expect(second.usage?.input_tokens).toBeGreaterThan(first.usage?.input_tokens ?? 0);
    // Tools are per request in the Responses API; Bedrock also refuses tool history without them.
    const third = client().responses.stream(
      {
        model,
        previous_response_id: second.id,
        input: "And tomorrow?",
        tools: [weather],
      },
      { headers },
    );
    const final = await third.finalResponse();
    // (`tool_choice: "none"` would be refused by Bedrock once a conversation has tool calls.)
    expect(final.status).toBe("completed");
    expect(final.output.length).toBeGreaterThan(0);
    expect(final.usage?.input_tokens).toBeGreaterThan(second.usage?.input_tokens ?? 0);
    const retrieved = await client().responses.retrieve(final.id);
    expect(retrieved.output.map((item) => item.id)).toEqual(final.output.map((item) => item.id));
    expect(textOf(retrieved)).toBe(textOf(final));
    expect(retrieved.previous_response_id).toBe(second.id);
  });

  it("text.format json_schema answers JSON of the schema", async () => {
    const response = await client().responses.create(
      {
        model,
        input: "Describe the weather in Paris as JSON",
        text: {
          format: {
            type: "json_schema",
            name: "weather",
            strict: true,
            schema: {
              type: "object",
              properties: { city: { type: "string" }, celsius: { type: "number" } },
              required: ["city", "celsius"],
              additionalProperties: false,
            },
          },
        },
      },
      { headers },
    );
    const value = JSON.parse(response.output_text) as Record<string, unknown>;
    expect(typeof value["city"]).toBe("string");
    expect(typeof value["celsius"]).toBe("number");
  });
});
