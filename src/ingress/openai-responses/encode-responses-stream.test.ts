import { describe, expect, it } from "vitest";
import type { StreamPart } from "../../core/stream-part.js";
import { GatewayError } from "../../errors/gateway-error.js";
import { parseResponsesRequest } from "./parse-responses-request.js";
import type { OutputItem, ResponseIdentity } from "./encode-response.js";
import { createResponseEventEncoder } from "./encode-responses-stream.js";

const identity: ResponseIdentity = {
  id: "resp_abc",
  model: "m",
  createdAt: 100,
  instructions: null,
  previousResponseId: null,
  store: true,
  echo: parseResponsesRequest({ model: "m", input: "hi" }).echo,
};

interface Event {
  type: string;
  sequence_number: number;
  [field: string]: unknown;
}

/** The events an encoder writes for `parts`, parsed back, checking each SSE frame's `event:` line. */
function run(parts: readonly StreamPart[], error?: GatewayError) {
  let done: { response: Record<string, unknown>; output: readonly OutputItem[] } | undefined;
  const encoder = createResponseEventEncoder({
    identity,
    nowSeconds: () => 200,
    onDone: (response, output) => (done = { response, output }),
  });
  let text = parts.map((part) => encoder.encode(part)).join("");
  text += error === undefined ? encoder.end() : encoder.error(error);
  const events = text
    .split("\n\n")
    .filter((frame) => frame !== "")
    .map((frame) => {
      const [eventLine, dataLine] = frame.split("\n");
      const event = JSON.parse((dataLine ?? "").slice(6)) as Event;
      expect(eventLine).toBe(`event: ${event.type}`);
      return event;
    });
  return { events, types: events.map((event) => event.type), done };
}

describe("createResponseEventEncoder", () => {
  it("writes OpenAI's event sequence for reasoning, text and a tool call, numbered from 0", () => {
    const { events, types, done } = run([
      { type: "response-metadata", id: "up" },
      { type: "reasoning-delta", delta: "Think" },
      { type: "text-delta", delta: "Hel" },
      { type: "text-delta", delta: "lo" },
      { type: "tool-call-start", index: 0, id: "call_1", name: "f" },
      { type: "tool-call-delta", index: 0, argumentsDelta: '{"a"' },
      { type: "tool-call-delta", index: 0, argumentsDelta: ":1}" },
      { type: "finish", finishReason: "tool_calls" },
      { type: "usage", usage: { inputTokens: 5, outputTokens: 7, totalTokens: 12, reasoningTokens: 2 } },
    ]);
    expect(types).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.reasoning_summary_part.added",
      "response.reasoning_summary_text.delta",
      "response.reasoning_summary_text.done",
      "response.reasoning_summary_part.done",
      "response.output_item.done",
      "response.output_item.added",
      "response.content_part.added",
      "response.output_text.delta",
      "response.output_text.delta",
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.output_item.added",
      "response.function_call_arguments.delta",
      "response.function_call_arguments.delta",
      "response.function_call_arguments.done",
      "response.output_item.done",
      "response.completed",
    ]);
    expect(events.map((event) => event.sequence_number)).toEqual(events.map((_, index) => index));
    expect(events[0]).toMatchObject({ response: { id: "resp_abc", status: "in_progress", output: [] } });
    expect(events[12]).toMatchObject({ text: "Hello", output_index: 1, content_index: 0 });
    expect(events[18]).toMatchObject({ arguments: '{"a":1}', name: "f", output_index: 2 });
    const completed = events.at(-1)?.["response"] as Record<string, unknown>;
    expect(completed).toMatchObject({
      status: "completed",
      completed_at: 200,
      usage: {
        input_tokens: 5,
        input_tokens_details: { cached_tokens: 0 },
        output_tokens: 7,
        output_tokens_details: { reasoning_tokens: 2 },
        total_tokens: 12,
      },
      output: [
        { type: "reasoning", id: "rs_abc", summary: [{ type: "summary_text", text: "Think" }] },
        {
          type: "message",
          id: "msg_abc_1",
          status: "completed",
          content: [{ type: "output_text", text: "Hello", annotations: [] }],
        },
        { type: "function_call", call_id: "call_1", name: "f", arguments: '{"a":1}', status: "completed" },
      ],
    });
    expect(done?.response).toEqual(completed);
  });

  it("ends a cut-off answer with response.incomplete and its reason", () => {
    const { types, events } = run([
      { type: "text-delta", delta: "Hel" },
      { type: "finish", finishReason: "length" },
    ]);
    expect(types.at(-1)).toBe("response.incomplete");
    expect(events.at(-1)?.["response"]).toMatchObject({
      status: "incomplete",
      incomplete_details: { reason: "max_output_tokens" },
      output: [{ type: "message", status: "incomplete" }],
    });
  });

  it("gives a refusal its own content part", () => {
    const { types, events } = run([
      { type: "refusal-delta", delta: "No." },
      { type: "finish", finishReason: "stop" },
    ]);
    expect(types).toContain("response.refusal.delta");
    expect(types).toContain("response.refusal.done");
    expect(events.at(-1)?.["response"]).toMatchObject({
      output: [{ type: "message", content: [{ type: "refusal", refusal: "No." }] }],
    });
  });

  it("ends a broken stream with an error event and response.failed, and stores nothing", () => {
    const { types, events, done } = run(
      [{ type: "text-delta", delta: "Hel" }],
      new GatewayError("upstream_stream_truncated", "cut"),
    );
    expect(types.slice(-2)).toEqual(["error", "response.failed"]);
    expect(events.at(-2)).toMatchObject({ code: "upstream_stream_truncated", message: "cut", param: null });
    expect(events.at(-1)?.["response"]).toMatchObject({
      status: "failed",
      error: { code: "upstream_stream_truncated" },
    });
    expect(done).toBeUndefined();
  });

  it("opens the response even when the upstream sent nothing before it ended", () => {
    expect(run([]).types).toEqual(["response.created", "response.in_progress", "response.completed"]);
  });
});
