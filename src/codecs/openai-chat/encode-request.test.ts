import { describe, expect, it } from "vitest";
import type { ChatRequest } from "../../core/chat-request.js";
import { parseChatRequest } from "../../ingress/openai/parse-chat-request.js";
import { encodeOpenAIChatRequest } from "./encode-request.js";

const base: ChatRequest = {
  model: "catalog-model",
  messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }],
  stream: false,
  includeUsage: false,
};

describe("openai-chat encodeChatRequest", () => {
  it("encodes every canonical field under its OpenAI name", () => {
    const request: ChatRequest = {
      ...base,
      messages: [
        { role: "system", content: "Be terse.", originalRole: "developer" },
        { role: "system", content: "Policy." },
        {
          role: "user",
          name: "ann",
          content: [
            { type: "text", text: "What is this?" },
            { type: "image", url: "https://x/cat.png", detail: "low" },
            { type: "image", url: "data:image/png;base64,AAAA" },
          ],
        },
        { role: "assistant", content: [], toolCalls: [{ id: "c1", name: "look", arguments: '{"q":1}' }] },
        { role: "tool", toolCallId: "c1", content: "a cat" },
        { role: "assistant", content: [{ type: "text", text: "A cat." }] },
      ],
      maxOutputTokens: 100,
      temperature: 0.2,
      topP: 0.9,
      stop: ["END"],
      seed: 7,
      user: "u1",
      metadata: { team: "a" },
      tools: [{ name: "look", description: "Look", parameters: { type: "object" }, strict: true }],
      toolChoice: { type: "tool", name: "look" },
      parallelToolCalls: false,
      responseFormat: { type: "json-schema", name: "answer", schema: { type: "object" }, strict: true },
    };
    const { body, warnings } = encodeOpenAIChatRequest(request, { nativeModel: "gpt-4o-2024-08-06" });
    expect(warnings).toEqual([]);
    expect(body).toEqual({
      model: "gpt-4o-2024-08-06",
      messages: [
        { role: "developer", content: "Be terse." },
        { role: "system", content: "Policy." },
        {
          role: "user",
          name: "ann",
          content: [
            { type: "text", text: "What is this?" },
            { type: "image_url", image_url: { url: "https://x/cat.png", detail: "low" } },
            { type: "image_url", image_url: { url: "data:image/png;base64,AAAA" } },
          ],
        },
        {
          role: "assistant",
          content: null,
          tool_calls: [{ id: "c1", type: "function", function: { name: "look", arguments: '{"q":1}' } }],
        },
        { role: "tool", tool_call_id: "c1", content: "a cat" },
        { role: "assistant", content: "A cat." },
      ],
      max_completion_tokens: 100,
      temperature: 0.2,
      top_p: 0.9,
      stop: ["END"],
      seed: 7,
      user: "u1",
      metadata: { team: "a" },
      tools: [
        {
          type: "function",
          function: { name: "look", description: "Look", parameters: { type: "object" }, strict: true },
        },
      ],
      tool_choice: { type: "function", function: { name: "look" } },
      parallel_tool_calls: false,
      response_format: {
        type: "json_schema",
        json_schema: { name: "answer", schema: { type: "object" }, strict: true },
      },
    });
  });

  it("always asks for usage when streaming, keeping a passthrough include_obfuscation", () => {
    const { body } = encodeOpenAIChatRequest(
      {
        ...base,
        stream: true,
        passthrough: { dialect: "openai-chat", fields: { stream_options: { include_obfuscation: false } } },
      },
      { nativeModel: "m" },
    );
    expect(body["stream"]).toBe(true);
    expect(body["stream_options"]).toEqual({ include_obfuscation: false, include_usage: true });
    expect(encodeOpenAIChatRequest(base, { nativeModel: "m" }).body).not.toHaveProperty("stream_options");
  });

  it("copies openai-chat passthrough fields and ignores other dialects' fields", () => {
    const fields = { presence_penalty: 0.5, logit_bias: { "50256": -100 }, reasoning_effort: "low" };
    expect(
      encodeOpenAIChatRequest(
        { ...base, passthrough: { dialect: "openai-chat", fields } },
        { nativeModel: "m" },
      ).body,
    ).toMatchObject(fields);
    const foreign = encodeOpenAIChatRequest(
      { ...base, passthrough: { dialect: "anthropic-messages", fields: { top_k: 5 } } },
      { nativeModel: "m" },
    );
    expect(foreign.body).not.toHaveProperty("top_k");
  });

  it("a passthrough field never overrides a canonical one", () => {
    const { body } = encodeOpenAIChatRequest(
      {
        ...base,
        temperature: 1,
        passthrough: { dialect: "openai-chat", fields: { temperature: 2, model: "x" } },
      },
      { nativeModel: "m" },
    );
    expect(body["temperature"]).toBe(1);
    expect(body["model"]).toBe("m");
  });

  it("drops unsupported fields with a warning each, canonical or passthrough", () => {
    const { body, warnings } = encodeOpenAIChatRequest(
      {
        ...base,
        metadata: { a: "b" },
        seed: 1,
        passthrough: { dialect: "openai-chat", fields: { store: true, service_tier: "flex" } },
      },
      { nativeModel: "m", unsupportedFields: new Set(["metadata", "service_tier", "store"]) },
    );
    expect(body).toEqual({ model: "m", messages: [{ role: "user", content: "hi" }], seed: 1 });
    expect(warnings.map((warning) => [warning.code, warning.param])).toEqual([
      ["parameter_ignored", "metadata"],
      ["parameter_ignored", "store"],
      ["parameter_ignored", "service_tier"],
    ]);
  });

  it("sends max_tokens to a server that does not accept max_completion_tokens, and says so", () => {
    const { body, warnings } = encodeOpenAIChatRequest(
      { ...base, maxOutputTokens: 50 },
      { nativeModel: "m", unsupportedFields: new Set(["max_completion_tokens"]) },
    );
    expect(body["max_tokens"]).toBe(50);
    expect(body).not.toHaveProperty("max_completion_tokens");
    expect(warnings).toEqual([
      expect.objectContaining({ code: "parameter_changed", param: "max_completion_tokens" }),
    ]);
  });

  it("round trip: a rich OpenAI request parses and encodes back to an equivalent body", () => {
    const client = {
      model: "gpt-4o",
      messages: [
        { role: "developer", content: "Answer in JSON." },
        {
          role: "user",
          content: [
            { type: "text", text: "Weather?" },
            { type: "image_url", image_url: { url: "https://x/y.png", detail: "high" } },
          ],
        },
        {
          role: "assistant",
          content: null,
          tool_calls: [
            {
              id: "call_1",
              type: "function",
              function: { name: "get_weather", arguments: '{"city":"Paris"}' },
            },
          ],
        },
        { role: "tool", tool_call_id: "call_1", content: '{"temp_c":21}' },
      ],
      stream: true,
      stream_options: { include_usage: true },
      max_completion_tokens: 256,
      temperature: 0.3,
      top_p: 1,
      stop: ["\n\n"],
      seed: 42,
      user: "user-1",
      metadata: { app: "demo" },
      tools: [
        {
          type: "function",
          function: {
            name: "get_weather",
            description: "Weather",
            parameters: { type: "object", properties: {} },
            strict: false,
          },
        },
      ],
      tool_choice: "auto",
      parallel_tool_calls: true,
      response_format: { type: "json_object" },
      presence_penalty: 0.1,
      frequency_penalty: 0.2,
      logit_bias: { "1": 5 },
      logprobs: true,
      top_logprobs: 2,
      n: 1,
      store: false,
      service_tier: "auto",
      reasoning_effort: "low",
      prompt_cache_key: "k",
    };
    const { body, warnings } = encodeOpenAIChatRequest(parseChatRequest(client), { nativeModel: "gpt-4o" });
    expect(warnings).toEqual([]);
    expect(body).toEqual(client);
  });
});

describe("another dialect's own fields", () => {
  it("are dropped with a warning each, never silently", () => {
    const encoded = encodeOpenAIChatRequest(
      {
        model: "m",
        messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }],
        stream: false,
        includeUsage: false,
        passthrough: { dialect: "anthropic-messages", fields: { top_k: 5, thinking: { type: "enabled" } } },
      },
      { nativeModel: "m" },
    );
    expect(encoded.body).not.toHaveProperty("top_k");
    expect(encoded.warnings.map((warning) => [warning.code, warning.param])).toEqual([
      ["parameter_ignored", "top_k"],
      ["parameter_ignored", "thinking"],
    ]);
  });
});
