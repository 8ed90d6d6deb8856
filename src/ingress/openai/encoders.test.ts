import { describe, expect, it } from "vitest";
import type { ChatResult } from "../../core/chat-result.js";
import { GatewayError } from "../../errors/gateway-error.js";
import { encodeChatResponse } from "./encode-chat-response.js";
import { encodeEmbeddingsResponse } from "./encode-embeddings-response.js";
import { encodeError } from "./encode-error.js";
import { parseEmbeddingsRequest } from "./parse-embeddings-request.js";

const context = { id: "chatcmpl-gw", model: "catalog", created: 10 };

describe("encodeChatResponse", () => {
  it("writes an exact chat.completion, preferring the upstream's identity", () => {
    const result: ChatResult = {
      id: "chatcmpl-up",
      model: "gpt-4o-2024-08-06",
      created: 99,
      text: "Hello",
      toolCalls: [],
      finishReason: "stop",
      usage: { inputTokens: 5, outputTokens: 7, totalTokens: 12, cachedInputTokens: 2, reasoningTokens: 3 },
    };
    expect(encodeChatResponse(result, context)).toEqual({
      id: "chatcmpl-up",
      object: "chat.completion",
      created: 99,
      model: "gpt-4o-2024-08-06",
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: "Hello", refusal: null, annotations: [] },
          logprobs: null,
          finish_reason: "stop",
        },
      ],
      usage: {
        prompt_tokens: 5,
        completion_tokens: 7,
        total_tokens: 12,
        prompt_tokens_details: { cached_tokens: 2 },
        completion_tokens_details: { reasoning_tokens: 3 },
      },
    });
  });

  it("sets content null for a tool-call-only answer and falls back to the context", () => {
    const body = encodeChatResponse(
      {
        text: "",
        toolCalls: [{ id: "c", name: "f", arguments: "{}" }],
        finishReason: "tool_calls",
        refusal: "r",
      },
      context,
    );
    expect(body).toMatchObject({ id: "chatcmpl-gw", created: 10, model: "catalog" });
    expect(body.choices[0].message).toEqual({
      role: "assistant",
      content: null,
      refusal: "r",
      annotations: [],
      tool_calls: [{ id: "c", type: "function", function: { name: "f", arguments: "{}" } }],
    });
    expect(body).not.toHaveProperty("usage");
  });
});

describe("encodeError", () => {
  it("writes OpenAI's envelope with the gateway code", () => {
    expect(encodeError(new GatewayError("invalid_request", "bad", { param: "messages" }))).toEqual({
      error: { message: "bad", type: "invalid_request_error", param: "messages", code: "invalid_request" },
    });
    expect(encodeError(new GatewayError("upstream_timeout", "slow")).error.param).toBeNull();
  });
});

describe("parseEmbeddingsRequest", () => {
  it("parses every input shape", () => {
    expect(parseEmbeddingsRequest({ model: "e", input: "a" })).toEqual({
      model: "e",
      input: ["a"],
      singleInput: true,
      encodingFormat: "float",
    });
    expect(parseEmbeddingsRequest({ model: "e", input: [1, 2] })).toMatchObject({
      input: [[1, 2]],
      singleInput: true,
    });
    expect(parseEmbeddingsRequest({ model: "e", input: [[1], [2, 3]] })).toMatchObject({
      singleInput: false,
    });
    expect(
      parseEmbeddingsRequest({
        model: "e",
        input: ["a", "b"],
        dimensions: 8,
        encoding_format: "base64",
        user: "u",
      }),
    ).toEqual({
      model: "e",
      input: ["a", "b"],
      singleInput: false,
      dimensions: 8,
      encodingFormat: "base64",
      user: "u",
    });
  });

  it.each<[string, unknown, string, string | undefined]>([
    ["a non-object", 1, "invalid_request", undefined],
    ["no model", { input: "x" }, "missing_required_parameter", "model"],
    ["no input", { model: "e" }, "missing_required_parameter", "input"],
    ["an empty list", { model: "e", input: [] }, "invalid_request", "input"],
    ["an empty string", { model: "e", input: "" }, "invalid_request", "input"],
    ["an empty string in a list", { model: "e", input: ["a", ""] }, "invalid_request", "input[1]"],
    ["mixed types", { model: "e", input: ["a", 1] }, "invalid_request", "input[1]"],
    ["fractional tokens", { model: "e", input: [1.5] }, "invalid_request", "input"],
    ["an empty token list", { model: "e", input: [[1], []] }, "invalid_request", "input[1]"],
    ["zero dimensions", { model: "e", input: "x", dimensions: 0 }, "invalid_request", "dimensions"],
    [
      "a bad encoding",
      { model: "e", input: "x", encoding_format: "int8" },
      "invalid_request",
      "encoding_format",
    ],
    ["an unknown field", { model: "e", input: "x", foo: 1 }, "invalid_request", "foo"],
  ])("rejects %s", (_name, body, code, param) => {
    expect(() => parseEmbeddingsRequest(body)).toThrowError(
      expect.objectContaining({ code, param }) as Error,
    );
  });
});

describe("encodeEmbeddingsResponse", () => {
  const result = { vectors: [new Float32Array([0.5, -1]), new Float32Array([2, 0.25])], inputTokens: 3 };

  it("writes floats", () => {
    expect(
      encodeEmbeddingsResponse(result, parseEmbeddingsRequest({ model: "e", input: ["a", "b"] })),
    ).toEqual({
      object: "list",
      data: [
        { object: "embedding", index: 0, embedding: [0.5, -1] },
        { object: "embedding", index: 1, embedding: [2, 0.25] },
      ],
      model: "e",
      usage: { prompt_tokens: 3, total_tokens: 3 },
    });
  });

  it("writes little-endian float32 base64 when asked", () => {
    const body = encodeEmbeddingsResponse(
      { ...result, model: "up" },
      parseEmbeddingsRequest({ model: "e", input: ["a", "b"], encoding_format: "base64" }),
    );
    expect(body.model).toBe("up");
    const bytes = Buffer.from(body.data[1]?.embedding as string, "base64");
    expect([bytes.readFloatLE(0), bytes.readFloatLE(4)]).toEqual([2, 0.25]);
  });
});
