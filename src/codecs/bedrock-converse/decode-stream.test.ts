import { describe, expect, it } from "vitest";
import type { StreamPart } from "../../core/stream-part.js";
import type { AwsEventStreamMessage } from "../framing/aws-event-stream.js";
import { createBedrockStreamDecoder } from "./decode-stream.js";

const event = (eventType: string, payload: unknown): AwsEventStreamMessage => ({
  messageType: "event",
  eventType,
  payload,
});

function run(messages: readonly AwsEventStreamMessage[]): StreamPart[] {
  const decoder = createBedrockStreamDecoder();
  return [...messages.flatMap((message) => decoder.push(message)), ...decoder.end()];
}

const start = event("messageStart", { role: "assistant" });
const hello = event("contentBlockDelta", { contentBlockIndex: 0, delta: { text: "Hel" } });

describe("createBedrockStreamDecoder", () => {
  it.each([
    ["throttlingException", "upstream_rate_limited"],
    ["serviceUnavailableException", "upstream_unavailable"],
    ["internalServerException", "upstream_server_error"],
    ["modelStreamErrorException", "upstream_stream_error"],
    ["validationException", "upstream_invalid_request"],
    ["somethingNewException", "upstream_stream_error"],
  ])("an exception event %s mid-stream → an error part %s, then nothing", (exceptionType, code) => {
    const parts = run([
      start,
      hello,
      { messageType: "exception", exceptionType, payload: { message: "went wrong" } },
      event("contentBlockDelta", { contentBlockIndex: 0, delta: { text: "lo" } }),
    ]);
    expect(parts).toEqual([
      { type: "text-delta", delta: "Hel" },
      { type: "error", error: expect.objectContaining({ code, message: `${exceptionType}: went wrong` }) },
    ]);
  });

  it("an unmodeled error message uses its :error-code and :error-message headers", () => {
    const parts = run([
      start,
      { messageType: "error", errorCode: "InternalFailure", errorMessage: "oops", payload: undefined },
    ]);
    expect(parts).toEqual([
      {
        type: "error",
        error: expect.objectContaining({ code: "upstream_stream_error", message: "InternalFailure: oops" }),
      },
    ]);
  });

  it("unknown event types and members are ignored; stop reasons map with the stop sequence", () => {
    const parts = run([
      start,
      event("citationsDelta", { anything: true }),
      hello,
      event("contentBlockStop", { contentBlockIndex: 0 }),
      event("messageStop", {
        stopReason: "stop_sequence",
        additionalModelResponseFields: { delta: { stop_sequence: "END" } },
      }),
      event("metadata", {
        usage: {
          inputTokens: 10,
          outputTokens: 3,
          totalTokens: 2013,
          cacheReadInputTokens: 1500,
          cacheWriteInputTokens: 500,
        },
        p: "abc",
      }),
    ]);
    expect(parts).toEqual([
      { type: "text-delta", delta: "Hel" },
      { type: "finish", finishReason: "stop", stopSequence: "END" },
      {
        type: "usage",
        usage: {
          inputTokens: 2010,
          outputTokens: 3,
          totalTokens: 2013,
          cachedInputTokens: 1500,
          cacheWriteInputTokens: 500,
        },
      },
    ]);
  });

  it.each([
    ["max_tokens", "length"],
    ["model_context_window_exceeded", "length"],
    ["guardrail_intervened", "content_filter"],
    ["content_filtered", "content_filter"],
    ["malformed_model_output", "stop"],
  ])("stopReason %s → %s", (stopReason, finishReason) => {
    expect(run([start, event("messageStop", { stopReason })])).toEqual([{ type: "finish", finishReason }]);
  });

  it("a tool delta for a block that never started is a malformed stream", () => {
    const parts = run([
      start,
      event("contentBlockDelta", { contentBlockIndex: 1, delta: { toolUse: { input: "{}" } } }),
    ]);
    expect(parts).toEqual([
      { type: "error", error: expect.objectContaining({ code: "upstream_bad_response" }) },
    ]);
  });

  it("a stream that ends without messageStop is truncated; one without metadata is not", () => {
    expect(run([start, hello]).at(-1)).toEqual({
      type: "error",
      error: expect.objectContaining({ code: "upstream_stream_truncated" }),
    });
    expect(run([start, hello, event("messageStop", { stopReason: "end_turn" })]).at(-1)).toEqual({
      type: "finish",
      finishReason: "stop",
    });
  });

  it("reasoning deltas are reasoning; a signature closes the block, redacted reasoning arrives whole", () => {
    expect(
      run([
        start,
        event("contentBlockDelta", { contentBlockIndex: 0, delta: { reasoningContent: { text: "think" } } }),
        event("contentBlockDelta", {
          contentBlockIndex: 0,
          delta: { reasoningContent: { signature: "sig" } },
        }),
        event("contentBlockDelta", {
          contentBlockIndex: 1,
          delta: { reasoningContent: { redactedContent: "b3BhcXVl" } },
        }),
        event("messageStop", { stopReason: "end_turn" }),
      ]),
    ).toEqual([
      { type: "reasoning-delta", delta: "think" },
      {
        type: "reasoning-signature",
        signature: "sig",
        issuer: { vendor: "anthropic", dialect: "bedrock-converse" },
      },
      {
        type: "reasoning-redacted",
        data: "b3BhcXVl",
        issuer: { vendor: "anthropic", dialect: "bedrock-converse" },
      },
      { type: "finish", finishReason: "stop" },
    ]);
  });
});
