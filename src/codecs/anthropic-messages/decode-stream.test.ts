import { describe, expect, it } from "vitest";
import type { StreamPart } from "../../core/stream-part.js";
import type { SseEvent } from "../framing/sse.js";
import { createAnthropicStreamDecoder } from "./decode-stream.js";

function event(data: Record<string, unknown>): SseEvent {
  return { event: String(data["type"]), data: JSON.stringify(data) };
}

const start = event({
  type: "message_start",
  message: {
    id: "msg_1",
    type: "message",
    role: "assistant",
    model: "claude-x",
    content: [],
    stop_reason: null,
    usage: { input_tokens: 10, cache_read_input_tokens: 5, cache_creation_input_tokens: 2, output_tokens: 1 },
  },
});
const textStart = (index: number) =>
  event({ type: "content_block_start", index, content_block: { type: "text", text: "" } });
const textDelta = (index: number, text: string) =>
  event({ type: "content_block_delta", index, delta: { type: "text_delta", text } });
const stop = (index: number) => event({ type: "content_block_stop", index });
const messageDelta = (reason: string, usage: Record<string, number>, sequence: string | null = null) =>
  event({ type: "message_delta", delta: { stop_reason: reason, stop_sequence: sequence }, usage });
const messageStop = event({ type: "message_stop" });

function run(events: readonly SseEvent[]): StreamPart[] {
  const decoder = createAnthropicStreamDecoder();
  return [...events.flatMap((item) => decoder.push(item)), ...decoder.end()];
}

function errors(parts: readonly StreamPart[]): string[] {
  return parts.flatMap((part) => (part.type === "error" ? [part.error.code] : []));
}

describe("anthropic-messages stream decoder", () => {
  it("a whole text answer: metadata (with message_start's usage, issue 9), deltas, then finish and usage at message_stop", () => {
    const parts = run([
      start,
      textStart(0),
      event({ type: "ping" }),
      textDelta(0, "Hel"),
      textDelta(0, "lo"),
      stop(0),
      messageDelta("end_turn", { output_tokens: 7 }),
      messageStop,
    ]);
    expect(parts).toEqual([
      {
        type: "response-metadata",
        id: "msg_1",
        model: "claude-x",
        usage: {
          inputTokens: 17,
          outputTokens: 1,
          totalTokens: 18,
          cachedInputTokens: 5,
          cacheWriteInputTokens: 2,
        },
      },
      { type: "text-delta", delta: "Hel" },
      { type: "text-delta", delta: "lo" },
      { type: "finish", finishReason: "stop" },
      {
        type: "usage",
        usage: {
          inputTokens: 17,
          outputTokens: 7,
          totalTokens: 24,
          cachedInputTokens: 5,
          cacheWriteInputTokens: 2,
        },
      },
    ]);
  });

  it("tool calls are numbered among tool calls, not by block index; a call without input gets {}", () => {
    const parts = run([
      start,
      textStart(0),
      textDelta(0, "Checking."),
      stop(0),
      event({
        type: "content_block_start",
        index: 1,
        content_block: { type: "tool_use", id: "t1", name: "a", input: {} },
      }),
      event({ type: "content_block_delta", index: 1, delta: { type: "input_json_delta", partial_json: "" } }),
      event({
        type: "content_block_delta",
        index: 1,
        delta: { type: "input_json_delta", partial_json: '{"x":' },
      }),
      event({
        type: "content_block_delta",
        index: 1,
        delta: { type: "input_json_delta", partial_json: "1}" },
      }),
      stop(1),
      event({
        type: "content_block_start",
        index: 2,
        content_block: { type: "tool_use", id: "t2", name: "b", input: {} },
      }),
      stop(2),
      messageDelta("tool_use", { output_tokens: 20 }),
      messageStop,
    ]);
    expect(parts.filter((part) => part.type.startsWith("tool-call") || part.type === "finish")).toEqual([
      { type: "tool-call-start", index: 0, id: "t1", name: "a" },
      { type: "tool-call-delta", index: 0, argumentsDelta: '{"x":' },
      { type: "tool-call-delta", index: 0, argumentsDelta: "1}" },
      { type: "tool-call-start", index: 1, id: "t2", name: "b" },
      { type: "tool-call-delta", index: 1, argumentsDelta: "{}" },
      { type: "finish", finishReason: "tool_calls" },
    ]);
  });

  it("stop_sequence: finish says which sequence; max_tokens → length; refusal → content_filter", () => {
    const finishOf = (reason: string, sequence: string | null = null) =>
      run([
        start,
        textStart(0),
        textDelta(0, "x"),
        stop(0),
        messageDelta(reason, { output_tokens: 1 }, sequence),
        messageStop,
      ]).find((part) => part.type === "finish");
    expect(finishOf("stop_sequence", "END")).toEqual({
      type: "finish",
      finishReason: "stop",
      stopSequence: "END",
    });
    expect(finishOf("max_tokens")).toEqual({ type: "finish", finishReason: "length" });
    expect(finishOf("refusal")).toEqual({ type: "finish", finishReason: "content_filter" });
    expect(finishOf("pause_turn")).toEqual({ type: "finish", finishReason: "stop" });
  });

  it("an `error` event mid-stream becomes an error part with the matching code, then nothing more", () => {
    const cases: [string, string][] = [
      ["overloaded_error", "upstream_unavailable"],
      ["api_error", "upstream_server_error"],
      ["rate_limit_error", "upstream_rate_limited"],
      ["something_new_error", "upstream_stream_error"],
    ];
    for (const [type, code] of cases) {
      const decoder = createAnthropicStreamDecoder();
      decoder.push(start);
      decoder.push(textStart(0));
      expect(decoder.push(textDelta(0, "partial"))).toEqual([{ type: "text-delta", delta: "partial" }]);
      const parts = decoder.push(event({ type: "error", error: { type, message: "Overloaded" } }));
      expect(errors(parts)).toEqual([code]);
      expect(parts[0]?.type === "error" && parts[0].error.message).toBe("Overloaded");
      expect(decoder.push(textDelta(0, "more"))).toEqual([]);
      expect(decoder.end()).toEqual([]);
    }
  });

  it("an `event: error` whose data is not JSON is still the upstream's in-stream error", () => {
    expect(errors(run([start, { event: "error", data: "upstream exploded" }]))).toEqual([
      "upstream_stream_error",
    ]);
  });

  it("unknown event types and delta types are ignored (Anthropic may add new ones)", () => {
    const parts = run([
      start,
      event({ type: "brand_new_event", payload: 1 }),
      textStart(0),
      event({ type: "content_block_delta", index: 0, delta: { type: "citations_delta", citation: {} } }),
      event({ type: "content_block_delta", index: 0, delta: { type: "future_delta", x: 1 } }),
      textDelta(0, "ok"),
      stop(0),
      event({
        type: "content_block_start",
        index: 1,
        content_block: { type: "server_tool_use", id: "s", name: "web_search", input: {} },
      }),
      event({
        type: "content_block_delta",
        index: 1,
        delta: { type: "input_json_delta", partial_json: '{"q":1}' },
      }),
      stop(1),
      messageDelta("end_turn", { output_tokens: 2 }),
      messageStop,
    ]);
    expect(errors(parts)).toEqual([]);
    expect(parts.filter((part) => part.type === "text-delta")).toEqual([{ type: "text-delta", delta: "ok" }]);
    expect(parts.some((part) => part.type.startsWith("tool-call"))).toBe(false);
  });

  it("invalid JSON in an event is upstream_bad_response", () => {
    expect(
      errors(run([start, { event: "content_block_delta", data: '{"type":"content_block_delta",' }])),
    ).toEqual(["upstream_bad_response"]);
  });

  it("a stream that ends before message_stop is truncated, even after its message_delta", () => {
    expect(errors(run([start, textStart(0), textDelta(0, "Hel")]))).toEqual(["upstream_stream_truncated"]);
    expect(
      errors(
        run([
          start,
          textStart(0),
          textDelta(0, "x"),
          stop(0),
          messageDelta("end_turn", { output_tokens: 1 }),
        ]),
      ),
    ).toEqual(["upstream_stream_truncated"]);
    expect(errors(run([]))).toEqual(["upstream_stream_truncated"]);
  });

  it("tolerates the whitespace padding of recorded events and message_delta repeating every counter", () => {
    const parts = run([
      start,
      textStart(0),
      {
        event: "content_block_delta",
        data: '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"hi"}      }',
      },
      stop(0),
      messageDelta("end_turn", {
        input_tokens: 10,
        cache_read_input_tokens: 5,
        cache_creation_input_tokens: 2,
        output_tokens: 3,
      }),
      messageStop,
    ]);
    expect(errors(parts)).toEqual([]);
    expect(parts.find((part) => part.type === "usage")).toEqual({
      type: "usage",
      usage: {
        inputTokens: 17,
        outputTokens: 3,
        totalTokens: 20,
        cachedInputTokens: 5,
        cacheWriteInputTokens: 2,
      },
    });
  });

  it("thinking blocks become reasoning; signature deltas are dropped", () => {
    const parts = run([
      start,
      event({
        type: "content_block_start",
        index: 0,
        content_block: { type: "thinking", thinking: "", signature: "" },
      }),
      event({ type: "content_block_delta", index: 0, delta: { type: "thinking_delta", thinking: "hmm" } }),
      event({ type: "content_block_delta", index: 0, delta: { type: "signature_delta", signature: "EvQB" } }),
      stop(0),
      messageDelta("end_turn", { output_tokens: 3 }),
      messageStop,
    ]);
    expect(parts.filter((part) => part.type === "reasoning-delta")).toEqual([
      { type: "reasoning-delta", delta: "hmm" },
    ]);
  });
});
