import { describe, expect, it } from "vitest";
import type { ChatRequest } from "../../core/chat-request.js";
import { GatewayError } from "../../errors/gateway-error.js";
import {
  parseResponsesRequest,
  toChatRequest,
} from "../../ingress/openai-responses/parse-responses-request.js";
import { encodeOpenAIResponsesRequest } from "./encode-request.js";

const target = { nativeModel: "gpt-5-pro-2025-10-06" };

const conversation: ChatRequest = {
  model: "gpt-5-pro",
  stream: true,
  includeUsage: false,
  messages: [
    { role: "system", content: "Be brief." },
    { role: "system", content: "Prefer metric units.", originalRole: "developer" },
    {
      role: "user",
      content: [
        { type: "text", text: "What is in this picture, and the weather there?" },
        { type: "image", url: "https://example.com/yard.png", detail: "low" },
      ],
    },
    {
      role: "assistant",
      content: [{ type: "text", text: "Let me look that up." }],
      toolCalls: [{ id: "call_1", name: "get_weather", arguments: '{"city":"Basel"}' }],
    },
    { role: "tool", toolCallId: "call_1", content: "sunny, 24 C" },
  ],
  maxOutputTokens: 500,
  temperature: 0.2,
  topP: 0.9,
  user: "user-7",
  metadata: { team: "rail" },
  tools: [
    {
      name: "get_weather",
      description: "Weather for a city",
      parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
    },
    { name: "now" },
  ],
  toolChoice: { type: "tool", name: "get_weather" },
  parallelToolCalls: false,
  responseFormat: { type: "json-schema", name: "answer", schema: { type: "object" }, strict: true },
};

describe("encodeOpenAIResponsesRequest", () => {
  it("writes the whole conversation as input items, tools flat and not strict, store off", () => {
    const { body, warnings } = encodeOpenAIResponsesRequest(conversation, target);
    expect(warnings).toEqual([]);
    expect(body).toEqual({
      model: "gpt-5-pro-2025-10-06",
      input: [
        { type: "message", role: "system", content: "Be brief." },
        { type: "message", role: "developer", content: "Prefer metric units." },
        {
          type: "message",
          role: "user",
          content: [
            { type: "input_text", text: "What is in this picture, and the weather there?" },
            { type: "input_image", image_url: "https://example.com/yard.png", detail: "low" },
          ],
        },
        { type: "message", role: "assistant", content: "Let me look that up." },
        { type: "function_call", call_id: "call_1", name: "get_weather", arguments: '{"city":"Basel"}' },
        { type: "function_call_output", call_id: "call_1", output: "sunny, 24 C" },
      ],
      stream: true,
      store: false,
      max_output_tokens: 500,
      temperature: 0.2,
      top_p: 0.9,
      user: "user-7",
      metadata: { team: "rail" },
      tools: [
        {
          type: "function",
          name: "get_weather",
          description: "Weather for a city",
          parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
          strict: false,
        },
        { type: "function", name: "now", parameters: { type: "object", properties: {} }, strict: false },
      ],
      tool_choice: { type: "function", name: "get_weather" },
      parallel_tool_calls: false,
      text: { format: { type: "json_schema", name: "answer", schema: { type: "object" }, strict: true } },
    });
  });

  it("is what the gateway's own Responses ingress reads back as the same conversation", () => {
    const { body } = encodeOpenAIResponsesRequest(conversation, target);
    const parsed = parseResponsesRequest(body);
    const back = toChatRequest(parsed, []);
    expect(back.messages).toEqual(conversation.messages);
    expect(back).toMatchObject({
      maxOutputTokens: 500,
      temperature: 0.2,
      topP: 0.9,
      toolChoice: conversation.toolChoice,
      parallelToolCalls: false,
      responseFormat: conversation.responseFormat,
    });
    expect(back.tools?.map((tool) => tool.name)).toEqual(["get_weather", "now"]);
  });

  it("maps Chat Completions fields onto their Responses names, and warns for those it has none for", () => {
    const { body, warnings } = encodeOpenAIResponsesRequest(
      {
        model: "m",
        stream: false,
        includeUsage: false,
        messages: [{ role: "user", content: [{ type: "text", text: "hi" }], name: "ana" }],
        stop: ["END"],
        seed: 7,
        passthrough: {
          dialect: "openai-chat",
          fields: {
            reasoning_effort: "high",
            verbosity: "low",
            service_tier: "flex",
            prompt_cache_key: "k",
            store: true,
            n: 1,
            presence_penalty: 0.5,
            logprobs: true,
          },
        },
      },
      target,
    );
    expect(body).toEqual({
      model: "gpt-5-pro-2025-10-06",
      input: [{ type: "message", role: "user", content: "hi" }],
      store: true,
      text: { verbosity: "low" },
      reasoning: { effort: "high" },
      service_tier: "flex",
      prompt_cache_key: "k",
    });
    expect(warnings.map((warning) => [warning.code, warning.param])).toEqual([
      ["parameter_ignored", "name"],
      ["parameter_ignored", "stop"],
      ["parameter_ignored", "seed"],
      ["parameter_ignored", "presence_penalty"],
      ["parameter_ignored", "logprobs"],
    ]);
  });

  it("warns for another dialect's own fields, and drops what the provider says it does not take", () => {
    const { body, warnings } = encodeOpenAIResponsesRequest(
      {
        model: "m",
        stream: false,
        includeUsage: false,
        messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }],
        temperature: 1,
        passthrough: { dialect: "anthropic-messages", fields: { top_k: 5 } },
      },
      { nativeModel: "m", unsupportedFields: new Set(["temperature"]) },
    );
    expect(body["temperature"]).toBeUndefined();
    expect(warnings.map((warning) => warning.param)).toEqual(["temperature", "top_k"]);
  });

  it("refuses fewer than 16 output tokens, naming the field, so that another offering may serve", () => {
    const request: ChatRequest = {
      model: "m",
      stream: false,
      includeUsage: false,
      messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }],
      maxOutputTokens: 5,
    };
    let thrown: unknown;
    try {
      encodeOpenAIResponsesRequest(request, target);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(GatewayError);
    expect(thrown).toMatchObject({ code: "unsupported_parameter", param: "max_output_tokens" });
  });
});
