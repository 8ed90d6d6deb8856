import { describe, expect, it } from "vitest";
import type { StreamPart } from "../../core/stream-part.js";
import type { SseEvent } from "../framing/sse.js";
import { createOpenAIStreamDecoder } from "./decode-stream.js";

const head = { id: "chatcmpl-1", object: "chat.completion.chunk", created: 1, model: "gpt-4o" };

function chunk(choice: Record<string, unknown> | null, extra: Record<string, unknown> = {}): SseEvent {
  return {
    data: JSON.stringify({ ...head, choices: choice === null ? [] : [{ index: 0, ...choice }], ...extra }),
  };
}

function run(events: readonly SseEvent[]): StreamPart[] {
  const decoder = createOpenAIStreamDecoder();
  return [...events.flatMap((event) => decoder.push(event)), ...decoder.end()];
}

function codes(parts: readonly StreamPart[]): string[] {
  return parts.flatMap((part) => (part.type === "error" ? [part.error.code] : []));
}

describe("openai-chat stream decoder", () => {
  it("a stream cut before its finish ends with upstream_stream_truncated", () => {
    const parts = run([chunk({ delta: { role: "assistant", content: "Hel" } })]);
    expect(parts.map((part) => part.type)).toEqual(["response-metadata", "text-delta", "error"]);
    expect(codes(parts)).toEqual(["upstream_stream_truncated"]);
  });

  it("an empty stream is truncated", () => {
    expect(codes(run([]))).toEqual(["upstream_stream_truncated"]);
  });

  it("an in-stream error object becomes upstream_stream_error and stops decoding", () => {
    const decoder = createOpenAIStreamDecoder();
    decoder.push(chunk({ delta: { content: "a" } }));
    const parts = decoder.push({
      data: JSON.stringify({
        error: { message: "overloaded", type: "server_error", param: null, code: null },
      }),
    });
    expect(parts).toHaveLength(1);
    const [part] = parts;
    expect(part?.type === "error" && part.error.code).toBe("upstream_stream_error");
    expect(part?.type === "error" && part.error.message).toBe("overloaded");
    expect(decoder.push(chunk({ delta: { content: "b" } }))).toEqual([]);
    expect(decoder.end()).toEqual([]);
  });

  it("an `event: error` frame is an in-stream error, even with non-JSON data", () => {
    expect(codes(run([{ event: "error", data: "upstream exploded" }]))).toEqual(["upstream_stream_error"]);
  });

  it("invalid JSON is upstream_bad_response, and nothing after it is decoded", () => {
    expect(codes(run([{ data: "{nope" }, chunk({ delta: { content: "a" } })]))).toEqual([
      "upstream_bad_response",
    ]);
    expect(codes(run([{ data: "42" }]))).toEqual(["upstream_bad_response"]);
  });

  it("ignores Azure choices without a delta and everything after [DONE]", () => {
    const parts = run([
      chunk({ delta: { content: "Hi" } }),
      chunk({
        content_filter_offsets: { check_offset: 0, start_offset: 0, end_offset: 2 },
        finish_reason: null,
      }),
      chunk({ delta: {}, finish_reason: "stop" }),
      { data: "[DONE]" },
      chunk({ delta: { content: "late" } }),
    ]);
    expect(parts.filter((part) => part.type !== "response-metadata")).toEqual([
      { type: "text-delta", delta: "Hi" },
      { type: "finish", finishReason: "stop" },
    ]);
  });

  it("[DONE] without a finish_reason closes the answer with a derived finish", () => {
    const parts = run([
      chunk({
        delta: {
          tool_calls: [{ index: 0, id: "c1", type: "function", function: { name: "f", arguments: "{}" } }],
        },
      }),
      { data: "[DONE]" },
    ]);
    expect(parts.slice(1)).toEqual([
      { type: "tool-call-start", index: 0, id: "c1", name: "f" },
      { type: "tool-call-delta", index: 0, argumentsDelta: "{}" },
      { type: "finish", finishReason: "tool_calls" },
    ]);
  });

  it("emits usage once, the last one seen, even when a server repeats it on every chunk", () => {
    const usage = (n: number) => ({ usage: { prompt_tokens: 3, completion_tokens: n, total_tokens: 3 + n } });
    const parts = run([
      chunk({ delta: { content: "a" } }, usage(1)),
      chunk({ delta: { content: "b" }, finish_reason: "length" }, usage(2)),
    ]);
    expect(parts.filter((part) => part.type === "usage")).toEqual([
      { type: "usage", usage: { inputTokens: 3, outputTokens: 2, totalTokens: 5 } },
    ]);
    expect(parts.find((part) => part.type === "finish")).toEqual({ type: "finish", finishReason: "length" });
  });

  it("issue 9: reads reasoning_content, and refusal deltas as refusal (not text)", () => {
    const parts = run([
      chunk({ delta: { reasoning_content: "thinking" } }),
      chunk({ delta: { refusal: "I can't help with that." }, finish_reason: "stop" }),
    ]);
    expect(parts.slice(1, 3)).toEqual([
      { type: "reasoning-delta", delta: "thinking" },
      { type: "refusal-delta", delta: "I can't help with that." },
    ]);
  });

  it("a tool call opened without a name is a bad response", () => {
    expect(
      codes(run([chunk({ delta: { tool_calls: [{ index: 0, function: { arguments: "{" } }] } })])),
    ).toEqual(["upstream_bad_response"]);
  });

  it("never throws on arbitrary events", () => {
    const weird: SseEvent[] = [
      { data: "" },
      { data: "null" },
      { data: "[]" },
      { data: '{"choices":"x"}' },
      { data: '{"choices":[null,1]}' },
      { data: '{"choices":[{"delta":{"tool_calls":[null,{"index":"a"}]}}]}' },
      { data: '{"usage":{"prompt_tokens":"x"}}' },
    ];
    for (const event of weird) {
      const decoder = createOpenAIStreamDecoder();
      expect(() => [...decoder.push(event), ...decoder.end()]).not.toThrow();
    }
  });
});
