import { describe, expect, it } from "vitest";
import type { StreamPart } from "../../core/stream-part.js";
import { GatewayError } from "../../errors/gateway-error.js";
import { SseParser } from "../framing/sse.js";
import { geminiCodec, geminiEmbedCodec, vertexEmbedCodec } from "./index.js";

function decodeError(status: number, body: unknown, headers: Record<string, string> = {}): GatewayError {
  return geminiCodec.decodeError({
    status,
    headers,
    body: typeof body === "string" ? body : JSON.stringify(body),
    provider: "gcp",
  });
}

function streamOf(...chunks: unknown[]): StreamPart[] {
  const decoder = geminiCodec.createStreamDecoder();
  return [...chunks.flatMap((chunk) => decoder.push({ data: JSON.stringify(chunk) })), ...decoder.end()];
}

function thrown(run: () => unknown): GatewayError {
  try {
    run();
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error("expected a GatewayError");
}

describe("decodeGeminiError", () => {
  it.each([
    [400, "INVALID_ARGUMENT", "upstream_invalid_request"],
    [400, "FAILED_PRECONDITION", "upstream_rejected"],
    [401, "UNAUTHENTICATED", "upstream_auth_failed"],
    [403, "PERMISSION_DENIED", "upstream_auth_failed"],
    [404, "NOT_FOUND", "upstream_model_not_found"],
    [429, "RESOURCE_EXHAUSTED", "upstream_rate_limited"],
    [500, "INTERNAL", "upstream_server_error"],
    [503, "UNAVAILABLE", "upstream_unavailable"],
    [504, "DEADLINE_EXCEEDED", "upstream_timeout"],
  ])("%i %s → %s", (status, name, code) => {
    const error = decodeError(status, { error: { code: status, message: `${name} happened`, status: name } });
    expect(error.code).toBe(code);
    // A credential refusal keeps the upstream's words for the log only (issue 10, defect 6).
    expect(code === "upstream_auth_failed" ? error.detail : error.message).toBe(`${name} happened`);
    expect(error.upstreamStatus).toBe(status);
    expect(error.provider).toBe("gcp");
  });

  it("429 with RetryInfo gives the wait; a Retry-After header wins over it", () => {
    const body = {
      error: {
        code: 429,
        message: "You exceeded your current quota",
        status: "RESOURCE_EXHAUSTED",
        details: [
          { "@type": "type.googleapis.com/google.rpc.QuotaFailure", violations: [] },
          { "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "34s" },
        ],
      },
    };
    expect(decodeError(429, body).retryAfterSeconds).toBe(34);
    expect(decodeError(429, body, { "retry-after": "3" }).retryAfterSeconds).toBe(3);
    expect(decodeError(429, body).failover).toBe("retry");
  });

  it("a bad API key is the provider's credential, not the client's request", () => {
    const body = {
      error: {
        code: 400,
        message: "API key not valid. Please pass a valid API key.",
        status: "INVALID_ARGUMENT",
        details: [{ "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason: "API_KEY_INVALID" }],
      },
    };
    expect(decodeError(400, body).code).toBe("upstream_auth_failed");
  });

  it("Vertex's array-wrapped envelope and non-JSON bodies", () => {
    const wrapped = [{ error: { code: 503, message: "overloaded", status: "UNAVAILABLE" } }];
    expect(decodeError(503, wrapped).code).toBe("upstream_unavailable");
    const html = decodeError(502, "<html>Bad gateway</html>");
    expect(html.code).toBe("upstream_server_error");
    expect(html.message).toBe("gcp answered HTTP 502 with no error details");
  });
});

describe("blocked prompts and candidates", () => {
  it("promptFeedback.blockReason without candidates is a content-filter error", () => {
    const error = thrown(() =>
      geminiCodec.decodeChatResponse({
        promptFeedback: { blockReason: "SAFETY", safetyRatings: [] },
        usageMetadata: { promptTokenCount: 8, totalTokenCount: 8 },
      }),
    );
    expect(error.code).toBe("upstream_content_filter");
    expect(error.message).toContain("SAFETY");
  });

  it("issue 9: a candidate withheld (finishReason SAFETY, no content, no promptFeedback) is an answer ending content_filter, with usage", () => {
    const withheld = geminiCodec.decodeChatResponse({
      candidates: [{ finishReason: "PROHIBITED_CONTENT", index: 0 }],
      usageMetadata: { promptTokenCount: 8, candidatesTokenCount: 0, totalTokenCount: 8 },
    });
    expect(withheld).toMatchObject({ text: "", toolCalls: [], finishReason: "content_filter" });
    expect(withheld.usage).toMatchObject({ inputTokens: 8, outputTokens: 0 });
    const cut = geminiCodec.decodeChatResponse({
      candidates: [{ content: { role: "model", parts: [{ text: "Partial" }] }, finishReason: "RECITATION" }],
    });
    expect(cut.text).toBe("Partial");
    expect(cut.finishReason).toBe("content_filter");
  });

  it("in a stream, a blocked first chunk is an error part; a later filter ends with content_filter", () => {
    const blocked = streamOf({
      promptFeedback: { blockReason: "SAFETY" },
      usageMetadata: { promptTokenCount: 3, totalTokenCount: 3 },
      modelVersion: "gemini-2.5-flash",
      responseId: "r",
    });
    const errors = blocked.filter((part) => part.type === "error");
    expect(errors).toHaveLength(1);
    expect(errors[0]?.type === "error" && errors[0].error.code).toBe("upstream_content_filter");
    expect(blocked.some((part) => part.type === "text-delta" || part.type === "finish")).toBe(false);

    // issue 9: a withheld candidate is not an error: the stream finishes with content_filter and its usage.
    const candidateBlocked = streamOf({
      candidates: [{ finishReason: "SAFETY", index: 0 }],
      usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 0, totalTokenCount: 3 },
      responseId: "r",
    });
    expect(candidateBlocked.filter((part) => part.type !== "response-metadata")).toEqual([
      { type: "finish", finishReason: "content_filter" },
      { type: "usage", usage: { inputTokens: 3, outputTokens: 0, totalTokens: 3 } },
    ]);

    const cut = streamOf(
      { candidates: [{ content: { role: "model", parts: [{ text: "Once" }] } }], responseId: "r" },
      {
        candidates: [{ finishReason: "SAFETY" }],
        usageMetadata: { promptTokenCount: 2, candidatesTokenCount: 1 },
      },
    );
    expect(cut.filter((part) => part.type !== "response-metadata")).toEqual([
      { type: "text-delta", delta: "Once" },
      { type: "finish", finishReason: "content_filter" },
      { type: "usage", usage: { inputTokens: 2, outputTokens: 1, totalTokens: 3 } },
    ]);
  });
});

describe("gemini stream decoder", () => {
  it("a stream that ends without a finishReason is truncated", () => {
    const parts = streamOf({ candidates: [{ content: { role: "model", parts: [{ text: "Hal" }] } }] });
    expect(parts.at(-1)).toMatchObject({ type: "error", error: { code: "upstream_stream_truncated" } });
  });

  it("an error object inside the stream is an error part with the code of its status", () => {
    const parts = streamOf(
      { candidates: [{ content: { role: "model", parts: [{ text: "Hi" }] } }] },
      { error: { code: 503, message: "The model is overloaded.", status: "UNAVAILABLE" } },
    );
    expect(parts.at(-1)).toMatchObject({
      type: "error",
      error: { code: "upstream_unavailable", message: "The model is overloaded." },
    });
  });

  it("MAX_TOKENS → length; invalid JSON → bad response; SSE framing through the shared parser", () => {
    const parser = new SseParser();
    const decoder = geminiCodec.createStreamDecoder();
    const wire =
      'data: {"candidates":[{"content":{"parts":[{"text":"The"}],"role":"model"},"index":0}],"responseId":"r1","modelVersion":"gemini-2.5-flash"}\r\n\r\n' +
      'data: {"candidates":[{"content":{"parts":[{"text":" end."}],"role":"model"},"finishReason":"MAX_TOKENS","index":0}],"usageMetadata":{"promptTokenCount":8,"candidatesTokenCount":4,"totalTokenCount":12}}\r\n\r\n';
    const bytes = Buffer.from(wire);
    const parts: StreamPart[] = [];
    // Split the wire bytes at an awkward place, as a socket may.
    for (const chunk of [bytes.subarray(0, 37), bytes.subarray(37)])
      for (const event of parser.push(chunk)) parts.push(...decoder.push(event));
    for (const event of parser.end()) parts.push(...decoder.push(event));
    parts.push(...decoder.end());
    expect(parts).toEqual([
      { type: "response-metadata", id: "r1", model: "gemini-2.5-flash" },
      { type: "text-delta", delta: "The" },
      { type: "text-delta", delta: " end." },
      { type: "finish", finishReason: "length" },
      { type: "usage", usage: { inputTokens: 8, outputTokens: 4, totalTokens: 12 } },
    ]);
    const bad = geminiCodec.createStreamDecoder().push({ data: "{not json" });
    expect(bad).toMatchObject([{ type: "error", error: { code: "upstream_bad_response" } }]);
  });
});

describe("embeddings codecs", () => {
  const request = {
    model: "embed",
    input: ["one", "two"],
    singleInput: false,
    encodingFormat: "float" as const,
  };

  it("gemini-embed: batchEmbedContents requests name the model; vectors in order; no token count", () => {
    const { body } = geminiEmbedCodec.encodeEmbeddingsRequest(
      { ...request, dimensions: 3 },
      { nativeModel: "gemini-embedding-001" },
    );
    expect(body).toEqual({
      requests: [
        {
          model: "models/gemini-embedding-001",
          content: { parts: [{ text: "one" }] },
          outputDimensionality: 3,
        },
        {
          model: "models/gemini-embedding-001",
          content: { parts: [{ text: "two" }] },
          outputDimensionality: 3,
        },
      ],
    });
    const result = geminiEmbedCodec.decodeEmbeddingsResponse({
      embeddings: [{ values: [0.5, -0.25] }, { values: [1, 0] }],
    });
    expect(result.vectors.map((vector) => Array.from(vector))).toEqual([
      [0.5, -0.25],
      [1, 0],
    ]);
    expect(result.inputTokens).toBe(0);
  });

  it("vertex-embed: predict instances and parameters; token counts summed from statistics", () => {
    const { body } = vertexEmbedCodec.encodeEmbeddingsRequest(
      { ...request, dimensions: 8 },
      { nativeModel: "text-embedding-005" },
    );
    expect(body).toEqual({
      instances: [{ content: "one" }, { content: "two" }],
      parameters: { outputDimensionality: 8 },
    });
    const result = vertexEmbedCodec.decodeEmbeddingsResponse({
      predictions: [
        { embeddings: { values: [0.5], statistics: { token_count: 2, truncated: false } } },
        { embeddings: { values: [0.25], statistics: { token_count: 3, truncated: false } } },
      ],
    });
    expect(result.inputTokens).toBe(5);
    expect(result.vectors.map((vector) => Array.from(vector))).toEqual([[0.5], [0.25]]);
  });

  it("token-id inputs are refused; malformed bodies are bad responses", () => {
    const error = thrown(() =>
      geminiEmbedCodec.encodeEmbeddingsRequest(
        { ...request, input: [[1, 2]] },
        { nativeModel: "gemini-embedding-001" },
      ),
    );
    expect(error.code).toBe("unsupported_parameter");
    expect(thrown(() => vertexEmbedCodec.decodeEmbeddingsResponse({ predictions: [{}] })).code).toBe(
      "upstream_bad_response",
    );
  });
});
