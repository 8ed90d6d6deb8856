import Anthropic from "@anthropic-ai/sdk";
import type OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, testKey, type Harness } from "../support/harness.js";

/**
 * The cross-format matrix: {OpenAI SDK, Anthropic SDK} × every provider kind × {plain, streaming,
 * tool call}, through a real gateway socket into each kind's own emulator. `x-switchyard-providers`
 * pins each request to the cell's provider; the response headers prove where it went.
 */
let harness: Harness;
let anthropic: Anthropic;
beforeAll(async () => {
  harness = await startHarness();
  anthropic = new Anthropic({ apiKey: testKey, baseURL: harness.gateway.url, maxRetries: 0 });
});
afterAll(async () => {
  await harness.close();
});

/** One provider of each kind, and a model it serves in the demo catalog. */
const cells: { kind: string; provider: string; model: string }[] = [
  { kind: "openai", provider: "openai", model: "gpt-4o-mini" },
  { kind: "azure", provider: "azure-eastus", model: "gpt-4o-mini" },
  { kind: "bedrock (Claude)", provider: "aws-us-east-1", model: "claude-sonnet-4-6" },
  { kind: "bedrock (Llama)", provider: "aws-us-east-1", model: "llama-3.3-70b" },
  { kind: "vertex (Gemini)", provider: "gcp-us-central1", model: "gemini-2.5-flash" },
  { kind: "vertex (Claude)", provider: "gcp-europe-west4", model: "claude-sonnet-4-6" },
  { kind: "vertex (Llama, OpenAI endpoint)", provider: "gcp-us-central1", model: "llama-3.3-70b" },
  { kind: "gemini", provider: "gemini", model: "gemini-2.5-flash" },
  { kind: "anthropic", provider: "anthropic", model: "claude-sonnet-4-6" },
  { kind: "openai-compatible", provider: "llama-host", model: "llama-3.3-70b" },
];

const weather = {
  name: "get_weather",
  description: "Current weather for a city",
  parameters: {
    type: "object",
    properties: { city: { type: "string" } },
    required: ["city"],
  },
};

describe.each(cells)("$kind ($provider, $model)", ({ provider, model }) => {
  const headers = { "x-switchyard-providers": provider };
  const openai = (): OpenAI => harness.client;

  it("OpenAI SDK: plain", async () => {
    const { data, response } = await openai()
      .chat.completions.create({ model, messages: [{ role: "user", content: "Say hello" }] }, { headers })
      .withResponse();
    expect(response.headers.get("x-switchyard-provider")).toBe(provider);
    expect(data.choices[0]?.message.content?.length).toBeGreaterThan(0);
    expect(data.choices[0]?.finish_reason).toBe("stop");
    expect(data.usage?.prompt_tokens).toBeGreaterThan(0);
    expect(data.usage?.completion_tokens).toBeGreaterThan(0);
  });

  it("issue 9: OpenAI SDK: JSON mode answers valid JSON (json_object and json_schema)", async () => {
    const messages = [{ role: "user" as const, content: "Describe the weather in Paris as JSON" }];
    const object = await openai().chat.completions.create(
      { model, messages, response_format: { type: "json_object" } },
      { headers },
    );
    expect(JSON.parse(object.choices[0]?.message.content ?? "")).toEqual(expect.any(Object));
    const schema = {
      type: "object",
      properties: { city: { type: "string" }, celsius: { type: "number" } },
      required: ["city", "celsius"],
      additionalProperties: false,
    };
    const shaped = await openai().chat.completions.create(
      { model, messages, response_format: { type: "json_schema", json_schema: { name: "weather", schema } } },
      { headers },
    );
    const value = JSON.parse(shaped.choices[0]?.message.content ?? "") as Record<string, unknown>;
    expect(typeof value["city"]).toBe("string");
    expect(typeof value["celsius"]).toBe("number");
  });

  it("OpenAI SDK: streaming", async () => {
    const { data: stream, response } = await openai()
      .chat.completions.create(
        {
          model,
          messages: [{ role: "user", content: "Say hello" }],
          stream: true,
          stream_options: { include_usage: true },
        },
        { headers },
      )
      .withResponse();
    let text = "";
    let finish: string | null | undefined;
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      finish = chunk.choices[0]?.finish_reason ?? finish;
      usage = chunk.usage ?? usage;
    }
    expect(response.headers.get("x-switchyard-provider")).toBe(provider);
    expect(text.length).toBeGreaterThan(0);
    expect(finish).toBe("stop");
    expect(usage?.completion_tokens).toBeGreaterThan(0);
  });

  it("OpenAI SDK: tool call", async () => {
    const { data, response } = await openai()
      .chat.completions.create(
        {
          model,
          messages: [{ role: "user", content: "What is the weather in Paris?" }],
          tools: [{ type: "function", function: weather }],
          tool_choice: "required",
        },
        { headers },
      )
      .withResponse();
    expect(response.headers.get("x-switchyard-provider")).toBe(provider);
    const call = data.choices[0]?.message.tool_calls?.[0];
    expect(data.choices[0]?.finish_reason).toBe("tool_calls");
    expect(call?.type === "function" ? call.function.name : undefined).toBe("get_weather");
    const args = JSON.parse(call?.type === "function" ? call.function.arguments : "null") as {
      city?: unknown;
    };
    expect(typeof args.city).toBe("string");
  });

  it("Anthropic SDK: plain", async () => {
    const { data, response } = await anthropic.messages
      .create({ model, max_tokens: 256, messages: [{ role: "user", content: "Say hello" }] }, { headers })
      .withResponse();
    expect(response.headers.get("x-switchyard-provider")).toBe(provider);
    expect(data.stop_reason).toBe("end_turn");
    const block = data.content[0];
    expect(block?.type === "text" ? block.text.length : 0).toBeGreaterThan(0);
    expect(data.usage.output_tokens).toBeGreaterThan(0);
  });

  it("Anthropic SDK: streaming", async () => {
    const stream = anthropic.messages.stream(
      { model, max_tokens: 256, messages: [{ role: "user", content: "Say hello" }] },
      { headers },
    );
    const message = await stream.finalMessage();
    const block = message.content[0];
    expect(block?.type === "text" ? block.text.length : 0).toBeGreaterThan(0);
    expect(message.stop_reason).toBe("end_turn");
    expect(message.usage.output_tokens).toBeGreaterThan(0);
  });

  it("Anthropic SDK: tool call", async () => {
    const { data, response } = await anthropic.messages
      .create(
        {
          model,
          max_tokens: 256,
          messages: [{ role: "user", content: "What is the weather in Paris?" }],
          tools: [
            {
              name: weather.name,
              description: weather.description,
              input_schema: weather.parameters as Anthropic.Tool.InputSchema,
            },
          ],
          tool_choice: { type: "any" },
        },
        { headers },
      )
      .withResponse();
    expect(response.headers.get("x-switchyard-provider")).toBe(provider);
    expect(data.stop_reason).toBe("tool_use");
    const use = data.content.find((block) => block.type === "tool_use");
    expect(use?.name).toBe("get_weather");
    expect(typeof (use?.input as { city?: unknown }).city).toBe("string");
  });
});
