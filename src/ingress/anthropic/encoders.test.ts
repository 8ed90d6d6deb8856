import { countTokens } from "gpt-tokenizer";
import { describe, expect, it } from "vitest";
import type { ChatResult } from "../../core/chat-result.js";
import { errorCodes, type ErrorCode } from "../../errors/codes.js";
import { GatewayError } from "../../errors/gateway-error.js";
import { countInputTokens, imageTokens, loadTokenCounter } from "./count-tokens.js";
import { encodeError } from "./encode-error.js";
import { encodeMessagesResponse, toolInput } from "./encode-messages-response.js";
import { parseCountTokensRequest } from "./parse-messages-request.js";
import { encodeUsage } from "./usage.js";

const context = { id: "msg_gw", model: "catalog" };

function result(overrides: Partial<ChatResult>): ChatResult {
  return { text: "Hello", toolCalls: [], finishReason: "stop", ...overrides };
}

describe("encodeMessagesResponse", () => {
  it("writes an exact Anthropic message with thinking, text and tool_use blocks", () => {
    const message = encodeMessagesResponse(
      result({
        id: "chatcmpl-up",
        model: "gpt-4o-2024-08-06",
        text: "Checking.",
        reasoning: "Weather, so a tool.",
        toolCalls: [{ id: "call_1", name: "get_weather", arguments: '{"city":"Paris"}' }],
        finishReason: "tool_calls",
        usage: { inputTokens: 377, outputTokens: 65, totalTokens: 442 },
      }),
      context,
    );
    expect(message).toEqual({
      id: "msg_gw",
      type: "message",
      role: "assistant",
      model: "gpt-4o-2024-08-06",
      content: [
        { type: "thinking", thinking: "Weather, so a tool.", signature: "" },
        { type: "text", text: "Checking." },
        { type: "tool_use", id: "call_1", name: "get_weather", input: { city: "Paris" } },
      ],
      stop_reason: "tool_use",
      stop_sequence: null,
      usage: {
        input_tokens: 377,
        output_tokens: 65,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
      },
    });
  });

  it.each([
    [result({ finishReason: "stop" }), "end_turn", null],
    [result({ finishReason: "stop", stopSequence: "END" }), "stop_sequence", "END"],
    [result({ finishReason: "length", stopSequence: "END" }), "max_tokens", null],
    [result({ finishReason: "tool_calls" }), "tool_use", null],
    [result({ finishReason: "content_filter" }), "refusal", null],
  ])("maps finish reasons to stop reasons (%#)", (input, reason, sequence) => {
    const message = encodeMessagesResponse(input, context);
    expect([message.stop_reason, message.stop_sequence]).toEqual([reason, sequence]);
  });

  it("keeps an Anthropic id, shows a refusal as text, and leaves out an empty text beside tool calls", () => {
    expect(encodeMessagesResponse(result({ id: "msg_up" }), context).id).toBe("msg_up");
    const refused = encodeMessagesResponse(
      result({ text: null, refusal: "I can't help with that.", finishReason: "content_filter" }),
      context,
    );
    expect(refused.content).toEqual([{ type: "text", text: "I can't help with that." }]);
    // issue 9: an OpenAI-style refusal (message.refusal, finish "stop") ends as Anthropic ends one.
    const openaiRefusal = encodeMessagesResponse(result({ text: null, refusal: "No." }), context);
    expect(openaiRefusal.stop_reason).toBe("refusal");
    const calls = encodeMessagesResponse(
      result({ text: "", toolCalls: [{ id: "c", name: "f", arguments: "" }], finishReason: "tool_calls" }),
      context,
    );
    expect(calls.content).toEqual([{ type: "tool_use", id: "c", name: "f", input: {} }]);
    expect(encodeMessagesResponse(result({ text: "" }), context).content).toEqual([
      { type: "text", text: "" },
    ]);
    expect(encodeMessagesResponse(result({ text: null }), context).content).toEqual([]);
  });

  it("keeps tool arguments that are not a JSON object whole, under _raw_arguments", () => {
    expect(toolInput('{"a":1}')).toEqual({ a: 1 });
    expect(toolInput("  ")).toEqual({});
    expect(toolInput('{"city": "Par')).toEqual({ _raw_arguments: '{"city": "Par' });
    expect(toolInput("[1,2]")).toEqual({ _raw_arguments: "[1,2]" });
    expect(toolInput("null")).toEqual({ _raw_arguments: "null" });
  });
});

describe("encodeUsage", () => {
  it("takes cache reads and writes out of input tokens, Anthropic's way", () => {
    expect(
      encodeUsage({
        inputTokens: 1000,
        outputTokens: 50,
        totalTokens: 1050,
        cachedInputTokens: 600,
        cacheWriteInputTokens: 300,
        reasoningTokens: 20,
      }),
    ).toEqual({
      input_tokens: 100,
      output_tokens: 50,
      cache_creation_input_tokens: 300,
      cache_read_input_tokens: 600,
    });
    expect(encodeUsage({ inputTokens: 10, outputTokens: 2, totalTokens: 12, cachedInputTokens: 4 })).toEqual({
      input_tokens: 6,
      output_tokens: 2,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 4,
    });
    // An upstream that reports more cached than input tokens: never a negative count.
    expect(
      encodeUsage({ inputTokens: 3, outputTokens: 1, totalTokens: 4, cachedInputTokens: 5 }).input_tokens,
    ).toBe(0);
  });
});

describe("encodeError", () => {
  it("writes Anthropic's envelope with the gateway's code and the field at fault", () => {
    const error = new GatewayError("missing_required_parameter", "max_tokens: Field required", {
      param: "max_tokens",
    });
    expect(encodeError(error, "req_1")).toEqual({
      type: "error",
      error: {
        type: "invalid_request_error",
        message: "max_tokens: Field required",
        details: { error_code: "missing_required_parameter", param: "max_tokens" },
      },
      request_id: "req_1",
    });
    expect(encodeError(error)).not.toHaveProperty("request_id");
  });

  it("types every error code by its HTTP status", () => {
    const expected: Record<number, string> = {
      400: "invalid_request_error",
      401: "authentication_error",
      403: "permission_error",
      404: "not_found_error",
      405: "invalid_request_error",
      413: "request_too_large",
      415: "invalid_request_error",
      429: "rate_limit_error",
      500: "api_error",
      502: "api_error",
      503: "overloaded_error",
      504: "timeout_error",
    };
    for (const [code, info] of Object.entries(errorCodes)) {
      const type = encodeError(new GatewayError(code as ErrorCode, "x")).error.type;
      expect(type, code).toBe(expected[info.status]);
    }
  });
});

describe("countInputTokens", () => {
  const count = (text: string): number => (text === "" ? 0 : countTokens(text));

  it("counts system, messages, tool calls, tool results, images and tool definitions", () => {
    const request = parseCountTokensRequest({
      model: "m",
      system: "Be brief.",
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "What is in this picture?" },
            { type: "image", source: { type: "url", url: "https://example.com/a.png" } },
          ],
        },
        {
          role: "assistant",
          content: [{ type: "tool_use", id: "t1", name: "look", input: { zoom: 2 } }],
        },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "t1", content: "a train" }] },
      ],
      tools: [{ name: "look", input_schema: { type: "object" } }],
    });
    const expected =
      3 +
      (3 + count("Be brief.")) +
      (3 + count("What is in this picture?") + imageTokens) +
      (3 + count("look") + count('{"zoom":2}')) +
      (3 + count("a train")) +
      count(JSON.stringify([{ name: "look", input_schema: { type: "object" } }]));
    expect(countInputTokens(request, count)).toBe(expected);
  });

  it("loads the tokenizer once, and counts special-token text as plain text", async () => {
    const first = await loadTokenCounter();
    expect(await loadTokenCounter()).toBe(first);
    expect(first("<|endoftext|>")).toBeGreaterThan(1);
    expect(first("")).toBe(0);
  });
});
