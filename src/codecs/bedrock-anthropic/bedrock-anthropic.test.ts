import { EventStreamCodec, type MessageHeaders } from "@smithy/eventstream-codec";
import { fromUtf8, toUtf8 } from "@smithy/util-utf8";
import { describe, expect, it } from "vitest";
import { collectParts, fixtureLines, readFixture } from "../../../test/support/stream-parts.js";
import type { ChatRequest } from "../../core/chat-request.js";
import type { StreamPart } from "../../core/stream-part.js";
import { bedrockAnthropicCodec } from "./index.js";

/**
 * Claude's InvokeModel answers are Anthropic's own JSON: the non-streamed body is Anthropic's `message`,
 * and each streamed `chunk` carries one Anthropic event, base64-encoded. These tests therefore re-frame
 * the recorded Anthropic answers (test/fixtures/providers/anthropic-messages, recorded from Anthropic's
 * API) the way Bedrock sends them — each event in an event-stream `chunk` message with the official
 * codec — and check the decoder reads them as the Anthropic codec reads the originals.
 */
const codec = new EventStreamCodec(toUtf8, fromUtf8);

function headers(values: Record<string, string>): MessageHeaders {
  const out: MessageHeaders = {};
  for (const [name, value] of Object.entries(values)) out[name] = { type: "string", value };
  return out;
}

function chunkFrame(json: string): Uint8Array {
  const payload = { bytes: Buffer.from(json, "utf8").toString("base64"), p: "abcdefgh" };
  return codec.encode({
    headers: headers({
      ":event-type": "chunk",
      ":content-type": "application/json",
      ":message-type": "event",
    }),
    body: fromUtf8(JSON.stringify(payload)),
  });
}

function exceptionFrame(type: string, message: string): Uint8Array {
  return codec.encode({
    headers: headers({
      ":exception-type": type,
      ":content-type": "application/json",
      ":message-type": "exception",
    }),
    body: fromUtf8(JSON.stringify({ message })),
  });
}

/** Frames → parts through the codec's own parser and decoder, the bytes cut in 5-byte pieces. */
function decode(frames: readonly Uint8Array[]): StreamPart[] {
  const bytes = Buffer.concat(frames.map((frame) => Buffer.from(frame)));
  const parser = bedrockAnthropicCodec.createFrameParser();
  const decoder = bedrockAnthropicCodec.createStreamDecoder();
  const parts: StreamPart[] = [];
  for (let at = 0; at < bytes.length; at += 5) {
    for (const message of parser.push(bytes.subarray(at, at + 5))) parts.push(...decoder.push(message));
  }
  for (const message of parser.end()) parts.push(...decoder.push(message));
  return [...parts, ...decoder.end()];
}

const recorded = (name: string): Uint8Array[] =>
  fixtureLines(`anthropic-messages/${name}`).map((line) => chunkFrame(line));

const request: ChatRequest = {
  model: "claude-sonnet-4-5",
  stream: true,
  includeUsage: true,
  maxOutputTokens: 512,
  messages: [
    { role: "system", content: "You are terse." },
    { role: "user", content: [{ type: "text", text: "Weather in Oslo?" }] },
  ],
  tools: [{ name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } }],
  toolChoice: { type: "auto" },
  parallelToolCalls: false,
  stop: ["END"],
  user: "user-42",
  betas: ["interleaved-thinking-2025-05-14"],
  passthrough: { dialect: "anthropic-messages", fields: { top_k: 5, service_tier: "auto" } },
};

describe("bedrock-anthropic encodeChatRequest", () => {
  it("Anthropic's body without model and stream, with Bedrock's anthropic_version and anthropic_beta", () => {
    const { body, warnings } = bedrockAnthropicCodec.encodeChatRequest(request, {
      nativeModel: "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
    });
    expect(body).toEqual({
      anthropic_version: "bedrock-2023-05-31",
      max_tokens: 512,
      system: "You are terse.",
      messages: [{ role: "user", content: [{ type: "text", text: "Weather in Oslo?" }] }],
      stop_sequences: ["END"],
      tools: [
        {
          name: "get_weather",
          input_schema: { type: "object", properties: { city: { type: "string" } } },
        },
      ],
      tool_choice: { type: "auto", disable_parallel_tool_use: true },
      top_k: 5,
      anthropic_beta: ["interleaved-thinking-2025-05-14"],
    });
    // What Bedrock does not take is dropped, each with a warning naming it.
    expect(warnings.map((warning) => warning.param)).toEqual(["metadata", "service_tier"]);
    expect(warnings[0]?.message).toMatch(/not accepted by Claude on Bedrock/);
  });

  it("no anthropic_beta without flags; a non-streamed request is the same body", () => {
    const { betas: _betas, ...plain } = request;
    const streamed = bedrockAnthropicCodec.encodeChatRequest(plain, { nativeModel: "m" }).body;
    const whole = bedrockAnthropicCodec.encodeChatRequest(
      { ...plain, stream: false },
      { nativeModel: "m" },
    ).body;
    expect(streamed).not.toHaveProperty("anthropic_beta");
    expect(streamed).not.toHaveProperty("stream");
    expect(whole).toEqual(streamed);
  });
});

describe("bedrock-anthropic decodeChatResponse (InvokeModel's body is Anthropic's message)", () => {
  it("tool-use.json: one tool call with its input, finish tool_calls, usage", () => {
    const result = bedrockAnthropicCodec.decodeChatResponse(
      JSON.parse(readFixture("anthropic-messages/tool-use.json")),
    );
    expect(result.finishReason).toBe("tool_calls");
    expect(result.toolCalls).toHaveLength(1);
    expect(result.toolCalls[0]?.id).toBe("toolu_01JKBd25gEfr9ZpVvn8quK2v");
    expect(result.usage?.inputTokens).toBe(912);
  });
});

describe("bedrock-anthropic stream decoder on chunk events", () => {
  it("text-stream: the recorded Anthropic events, re-framed as chunks, decode to the same answer", () => {
    const got = collectParts(decode(recorded("text-stream.chunks.txt")));
    expect(got.errors).toEqual([]);
    expect(got.id).toBe("msg_01QC4g3HwBThD4BaNtBckFDJ");
    expect(got.text.startsWith("Hello! I'm doing well, thank you for asking.")).toBe(true);
    expect(got.finish).toEqual(["stop"]);
    expect(got.usage).toEqual([
      { inputTokens: 12, outputTokens: 30, totalTokens: 42, cachedInputTokens: 0, cacheWriteInputTokens: 0 },
    ]);
  });

  it("tool-use-stream: partial_json fragments assemble to the tool input", () => {
    const got = collectParts(decode(recorded("tool-use-stream.chunks.txt")));
    expect(got.errors).toEqual([]);
    expect(got.calls).toHaveLength(1);
    expect(got.calls[0]?.name).toBe("website_update");
    expect(JSON.parse(got.calls[0]?.args ?? "")).toMatchObject({ website_path: "/home/user/pace-landing" });
    expect(got.finish).toEqual(["tool_calls"]);
  });

  it("Bedrock's invocation metrics on message_stop are ignored, not an error", () => {
    const lines = fixtureLines("anthropic-messages/text-stream.chunks.txt");
    const last = JSON.parse(lines.at(-1) ?? "{}") as Record<string, unknown>;
    const metrics = { inputTokenCount: 12, outputTokenCount: 30, invocationLatency: 10, firstByteLatency: 5 };
    const frames = [
      ...lines.slice(0, -1).map((line) => chunkFrame(line)),
      chunkFrame(JSON.stringify({ ...last, "amazon-bedrock-invocationMetrics": metrics })),
    ];
    expect(collectParts(decode(frames)).errors).toEqual([]);
  });

  it("an exception message mid-stream is an error part with the HTTP code of the same exception", () => {
    const lines = fixtureLines("anthropic-messages/text-stream.chunks.txt");
    const cases: [string, string][] = [
      ["throttlingException", "upstream_rate_limited"],
      ["modelStreamErrorException", "upstream_stream_error"],
      ["internalServerException", "upstream_server_error"],
      ["validationException", "upstream_invalid_request"],
    ];
    for (const [type, code] of cases) {
      const parts = decode([
        ...lines.slice(0, 4).map((line) => chunkFrame(line)),
        exceptionFrame(type, "Too many tokens"),
        ...lines.slice(4).map((line) => chunkFrame(line)),
      ]);
      const got = collectParts(parts);
      expect(got.errorCodes).toEqual([code]);
      expect(got.finish).toEqual([]);
      const error = parts.find((part) => part.type === "error");
      expect(error?.type === "error" && error.error.message).toBe(`${type}: Too many tokens`);
    }
  });

  it("a stream cut before message_stop is truncated; a chunk without bytes is a bad response", () => {
    const lines = fixtureLines("anthropic-messages/text-stream.chunks.txt");
    expect(collectParts(decode(lines.slice(0, 5).map((line) => chunkFrame(line)))).errorCodes).toEqual([
      "upstream_stream_truncated",
    ]);
    const empty = codec.encode({
      headers: headers({
        ":event-type": "chunk",
        ":content-type": "application/json",
        ":message-type": "event",
      }),
      body: fromUtf8(JSON.stringify({ p: "abc" })),
    });
    expect(collectParts(decode([empty])).errorCodes).toEqual(["upstream_bad_response"]);
  });
});

describe("bedrock-anthropic decodeError: Bedrock's error shapes", () => {
  it.each([
    [400, "ValidationException", "upstream_invalid_request"],
    [403, "AccessDeniedException", "upstream_auth_failed"],
    [404, "ResourceNotFoundException", "upstream_model_not_found"],
    [429, "ThrottlingException", "upstream_rate_limited"],
    [503, "ServiceUnavailableException", "upstream_unavailable"],
  ])("HTTP %i %s → %s", (status, name, code) => {
    const error = bedrockAnthropicCodec.decodeError({
      status,
      headers: { "x-amzn-errortype": `${name}:http://internal.amazon.com/coral/com.amazon.bedrock/` },
      body: JSON.stringify({ message: "invalid beta flag" }),
      provider: "aws-us-east-1",
    });
    expect(error.code).toBe(code);
    expect(error.upstreamStatus).toBe(status);
  });
});
