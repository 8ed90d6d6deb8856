import { describe, expect, it } from "vitest";
import { collectParts, readFixture } from "../../../test/support/stream-parts.js";
import type { StreamPart } from "../../core/stream-part.js";
import { GatewayError } from "../../errors/gateway-error.js";
import { geminiCodec, unpackThoughtSignature } from "./index.js";

const read = (name: string): string => readFixture(`gemini/${name}`);

/** One SSE data payload per line, as the recording kept them. */
function lines(name: string): string[] {
  return read(name)
    .split("\n")
    .filter((line) => line !== "");
}

function decodeChunks(name: string): StreamPart[] {
  const decoder = geminiCodec.createStreamDecoder();
  return [...lines(name).flatMap((data) => decoder.push({ data })), ...decoder.end()];
}

const collect = collectParts;

/** The signature a recorded functionCall part carried, read straight from the file. */
function recordedSignatures(name: string): string[] {
  const signatures: string[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (typeof value === "object" && value !== null) {
      const record = value as Record<string, unknown>;
      if (typeof record["thoughtSignature"] === "string" && record["functionCall"] !== undefined)
        signatures.push(record["thoughtSignature"]);
      Object.values(record).forEach(visit);
    }
  };
  const text = read(name);
  if (name.endsWith(".json")) visit(JSON.parse(text));
  else for (const line of lines(name)) visit(JSON.parse(line));
  return signatures;
}

describe("gemini fixtures", () => {
  it("text-cached-tokens.json: text, STOP, cached and thought tokens mapped to OpenAI semantics", () => {
    const result = geminiCodec.decodeChatResponse(JSON.parse(read("text-cached-tokens.json")));
    expect(result.model).toBe("gemini-2.5-flash");
    expect(result.id).toBe("vJtEafuCBsCDz7IP1ZXs0Ao");
    expect(result.text?.startsWith('"Impressive... most impressive." Indeed! This is no mere esc')).toBe(
      true,
    );
    expect(Array.from(result.text ?? "")).toHaveLength(2965);
    expect(result.finishReason).toBe("stop");
    expect(result.toolCalls).toEqual([]);
    expect(result.reasoning).toBeUndefined();
    // promptTokenCount already includes the cached 3055; thoughts are output.
    expect(result.usage).toEqual({
      inputTokens: 3797,
      outputTokens: 656 + 1549,
      totalTokens: 6002,
      cachedInputTokens: 3055,
      reasoningTokens: 1549,
    });
  });

  it("function-call.json: one call with its arguments, tool_calls, the signature inside the id", () => {
    const result = geminiCodec.decodeChatResponse(JSON.parse(read("function-call.json")));
    expect(result.model).toBe("gemini-3-pro-preview");
    expect(result.text).toBeNull();
    expect(result.finishReason).toBe("tool_calls");
    expect(result.toolCalls).toHaveLength(1);
    const call = result.toolCalls[0];
    expect(call?.name).toBe("weather");
    expect(JSON.parse(call?.arguments ?? "")).toEqual({ location: "San Francisco" });
    expect(call?.id).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(unpackThoughtSignature(call?.id ?? "")).toBe(recordedSignatures("function-call.json")[0]);
    expect(result.usage).toEqual({
      inputTokens: 29,
      outputTokens: 15 + 893,
      totalTokens: 937,
      reasoningTokens: 893,
    });
  });

  it("function-call-stream.chunks.txt: the whole call in one chunk, finish after the empty text part", () => {
    const parts = decodeChunks("function-call-stream.chunks.txt");
    const out = collect(parts);
    expect(out.errors).toEqual([]);
    expect(out.metadata).toMatchObject([
      { type: "response-metadata", id: "b36LacjwM668nsEP2tbsgQQ", model: "gemini-3-pro-preview" },
    ]);
    // issue 9: the first chunk's usageMetadata, for clients that read the input tokens at the start.
    expect(out.metadata[0]).toMatchObject({ usage: { inputTokens: 29 } });
    expect(out.text).toBe("");
    expect(out.calls).toHaveLength(1);
    expect(out.calls[0]?.name).toBe("weather");
    expect(JSON.parse(out.calls[0]?.args ?? "")).toEqual({ location: "San Francisco" });
    expect(unpackThoughtSignature(out.calls[0]?.id ?? "")).toBe(
      recordedSignatures("function-call-stream.chunks.txt")[0],
    );
    // One start and exactly one delta per whole call.
    expect(parts.filter((part) => part.type === "tool-call-delta")).toHaveLength(1);
    expect(out.finish).toEqual(["tool_calls"]);
    expect(out.usage).toEqual([
      { inputTokens: 29, outputTokens: 15 + 45, totalTokens: 89, reasoningTokens: 45 },
    ]);
    expect(parts.at(-1)?.type).toBe("usage");
  });

  it("vertex-stream-function-call-partial-args.chunks.txt: two calls assembled from partialArgs", () => {
    const out = collect(decodeChunks("vertex-stream-function-call-partial-args.chunks.txt"));
    expect(out.errors).toEqual([]);
    expect(out.metadata[0]).toMatchObject({ model: "gemini-3.1-pro-preview", id: "dqHOab6xGLzWodAPkPuViA4" });
    expect(out.calls.map((call) => call.name)).toEqual(["getWeather", "getWeather"]);
    expect(out.calls.map((call) => JSON.parse(call.args) as unknown)).toEqual([
      { location: "Boston" },
      { location: "San Francisco" },
    ]);
    expect(new Set(out.calls.map((call) => call.id)).size).toBe(2);
    // Only the first call carried a signature.
    expect(unpackThoughtSignature(out.calls[0]?.id ?? "")).toBe(
      recordedSignatures("vertex-stream-function-call-partial-args.chunks.txt")[0],
    );
    expect(unpackThoughtSignature(out.calls[1]?.id ?? "")).toBeUndefined();
    expect(out.finish).toEqual(["tool_calls"]);
    // Usage only on the last chunk (the earlier ones carry only trafficType).
    expect(out.usage).toEqual([
      { inputTokens: 26, outputTokens: 23 + 132, totalTokens: 181, reasoningTokens: 132 },
    ]);
  });

  it("thinking-stream.chunks.txt: thought parts are reasoning, the rest is text, last usage wins", () => {
    const out = collect(decodeChunks("thinking-stream.chunks.txt"));
    expect(out.errors).toEqual([]);
    expect(out.metadata[0]).toMatchObject({ model: "gemini-2.5-pro" });
    expect(out.reasoning.startsWith("**Clarifying User Goals**\n\nI'm currently focused on defining")).toBe(
      true,
    );
    expect(Array.from(out.reasoning)).toHaveLength(1575);
    expect(out.text.startsWith("This is a great question! Safely crossing the street is all ")).toBe(true);
    expect(Array.from(out.text)).toHaveLength(1938);
    expect(out.calls).toEqual([]);
    expect(out.finish).toEqual(["stop"]);
    expect(out.usage).toEqual([
      { inputTokens: 34, outputTokens: 469 + 787, totalTokens: 1290, reasoningTokens: 787 },
    ]);
  });

  it("error-model-not-found.json: 404 NOT_FOUND → upstream_model_not_found with Google's message", () => {
    const error = geminiCodec.decodeError({
      status: 404,
      headers: {},
      body: read("error-model-not-found.json"),
      provider: "gemini",
    });
    expect(error).toBeInstanceOf(GatewayError);
    expect(error.code).toBe("upstream_model_not_found");
    expect(error.failover).toBe("next");
    expect(error.upstreamStatus).toBe(404);
    expect(
      error.message.startsWith(
        "models/this-model-does-not-exist-12345 is not found for API version v1beta, or i",
      ),
    ).toBe(true);
    expect(Array.from(error.message)).toHaveLength(197);
  });
});
