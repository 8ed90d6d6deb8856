import { describe, expect, it } from "vitest";
import type { ChatResult } from "../../core/chat-result.js";
import type { StreamPart } from "../../core/stream-part.js";
import type { GatewayError } from "../../errors/gateway-error.js";
import { encodeResponse, type ResponseIdentity } from "../../ingress/openai-responses/encode-response.js";
import { createResponseEventEncoder } from "../../ingress/openai-responses/encode-responses-stream.js";
import { parseResponsesRequest } from "../../ingress/openai-responses/parse-responses-request.js";
import { SseParser } from "../framing/sse.js";
import { decodeOpenAIResponsesResponse } from "./decode-response.js";
import { createOpenAIResponsesStreamDecoder } from "./decode-stream.js";

/** A finished response object with OpenAI's fields; `fields` replace or add. */
function response(fields: Record<string, unknown>): Record<string, unknown> {
  return {
    id: "resp_67ccd2bed1ec8190b14f964abc0542670bb6a6b452d3795b",
    object: "response",
    created_at: 1741476542,
    status: "completed",
    error: null,
    incomplete_details: null,
    model: "gpt-5-pro-2025-10-06",
    output: [],
    usage: {
      input_tokens: 36,
      input_tokens_details: { cached_tokens: 12 },
      output_tokens: 87,
      output_tokens_details: { reasoning_tokens: 64 },
      total_tokens: 123,
    },
    ...fields,
  };
}

const message = (text: string, status = "completed") => ({
  type: "message",
  id: "msg_1",
  status,
  role: "assistant",
  content: [{ type: "output_text", text, annotations: [] }],
});

describe("decodeOpenAIResponsesResponse", () => {
  it("reads text, reasoning summaries, ids and usage with cached and reasoning tokens", () => {
    const result = decodeOpenAIResponsesResponse(
      response({
        output: [
          { type: "reasoning", id: "rs_1", summary: [{ type: "summary_text", text: "Thinking it over." }] },
          message("In a tree, "),
          message("deep in the forest."),
        ],
      }),
    );
    expect(result).toEqual({
      id: "resp_67ccd2bed1ec8190b14f964abc0542670bb6a6b452d3795b",
      model: "gpt-5-pro-2025-10-06",
      created: 1741476542,
      text: "In a tree, deep in the forest.",
      reasoning: "Thinking it over.",
      toolCalls: [],
      finishReason: "stop",
      usage: {
        inputTokens: 36,
        outputTokens: 87,
        totalTokens: 123,
        cachedInputTokens: 12,
        reasoningTokens: 64,
      },
    });
  });

  it("reads function calls by their call_id, in order, as tool_calls", () => {
    const result = decodeOpenAIResponsesResponse(
      response({
        output: [
          {
            type: "function_call",
            id: "fc_1",
            call_id: "call_a",
            name: "get_weather",
            arguments: '{"city":"Paris"}',
            status: "completed",
          },
          { type: "function_call", id: "fc_2", call_id: "call_b", name: "get_time", arguments: "{}" },
        ],
      }),
    );
    expect(result.text).toBeNull();
    expect(result.finishReason).toBe("tool_calls");
    expect(result.toolCalls).toEqual([
      { id: "call_a", name: "get_weather", arguments: '{"city":"Paris"}' },
      { id: "call_b", name: "get_time", arguments: "{}" },
    ]);
  });

  it("incomplete at max_output_tokens is length; for the content filter, content_filter", () => {
    const cut = response({
      status: "incomplete",
      incomplete_details: { reason: "max_output_tokens" },
      output: [message("Once upon", "incomplete")],
    });
    expect(decodeOpenAIResponsesResponse(cut)).toMatchObject({ text: "Once upon", finishReason: "length" });
    const filtered = response({ status: "incomplete", incomplete_details: { reason: "content_filter" } });
    expect(decodeOpenAIResponsesResponse(filtered).finishReason).toBe("content_filter");
  });

  it("keeps a refusal apart from the text", () => {
    const result = decodeOpenAIResponsesResponse(
      response({
        output: [
          {
            type: "message",
            id: "msg_1",
            role: "assistant",
            status: "completed",
            content: [{ type: "refusal", refusal: "I can't help with that." }],
          },
        ],
      }),
    );
    expect(result).toMatchObject({ text: null, refusal: "I can't help with that.", finishReason: "stop" });
  });

  it("a failed response is an error with the code its error names; a malformed one is a bad response", () => {
    const failed = response({
      status: "failed",
      error: { code: "server_error", message: "boom" },
      usage: null,
    });
    expect(() => decodeOpenAIResponsesResponse(failed)).toThrow(
      expect.objectContaining({ code: "upstream_server_error", message: "boom" }),
    );
    for (const body of [null, [], { output: "x" }, response({ status: "in_progress" })]) {
      expect(() => decodeOpenAIResponsesResponse(body)).toThrow(
        expect.objectContaining({ code: "upstream_bad_response" }),
      );
    }
  });

  it("decodes what the gateway's own Responses ingress encodes, back to the same result", () => {
    const identity: ResponseIdentity = {
      id: "resp_round",
      model: "m",
      createdAt: 100,
      instructions: null,
      previousResponseId: null,
      store: true,
      echo: parseResponsesRequest({ model: "m", input: "hi" }).echo,
    };
    const results: ChatResult[] = [
      {
        text: "Hello",
        reasoning: "hmm",
        toolCalls: [{ id: "call_x", name: "f", arguments: '{"a":1}' }],
        finishReason: "tool_calls",
        usage: { inputTokens: 5, outputTokens: 7, totalTokens: 12, cachedInputTokens: 0, reasoningTokens: 0 },
      },
      { text: "Cut", toolCalls: [], finishReason: "length" },
      { text: null, refusal: "No.", toolCalls: [], finishReason: "stop" },
    ];
    for (const result of results) {
      const decoded = decodeOpenAIResponsesResponse(encodeResponse(result, identity, 200));
      expect(decoded).toEqual({ ...result, id: "resp_round", model: "m", created: 100 });
    }
  });
});

/** The canonical parts of a stream of `[type, fields]` events, framed as OpenAI frames them. */
function decode(events: readonly (readonly [string, Record<string, unknown>])[], end = true): StreamPart[] {
  const decoder = createOpenAIResponsesStreamDecoder();
  const parser = new SseParser();
  let sequence = 0;
  const text = events
    .map(
      ([type, fields]) =>
        `event: ${type}\ndata: ${JSON.stringify({ type, ...fields, sequence_number: sequence++ })}\n\n`,
    )
    .join("");
  const parts = parser.push(Buffer.from(text)).flatMap((event) => decoder.push(event));
  if (end) parts.push(...parser.end().flatMap((event) => decoder.push(event)), ...decoder.end());
  return parts;
}

const created = [
  "response.created",
  { response: response({ status: "in_progress", output: [], usage: null }) },
] as const;

describe("the Responses stream decoder", () => {
  it("text deltas, then finish and usage from response.completed", () => {
    const parts = decode([
      created,
      ["response.in_progress", { response: response({ status: "in_progress", usage: null }) }],
      [
        "response.output_item.added",
        { output_index: 0, item: { type: "message", id: "msg_1", content: [] } },
      ],
      ["response.content_part.added", { item_id: "msg_1", output_index: 0, content_index: 0, part: {} }],
      ["response.output_text.delta", { item_id: "msg_1", output_index: 0, content_index: 0, delta: "Hel" }],
      ["response.output_text.delta", { item_id: "msg_1", output_index: 0, content_index: 0, delta: "lo" }],
      ["response.output_text.done", { item_id: "msg_1", output_index: 0, content_index: 0, text: "Hello" }],
      ["response.output_item.done", { output_index: 0, item: message("Hello") }],
      ["response.completed", { response: response({ output: [message("Hello")] }) }],
    ]);
    expect(parts).toEqual([
      {
        type: "response-metadata",
        id: "resp_67ccd2bed1ec8190b14f964abc0542670bb6a6b452d3795b",
        model: "gpt-5-pro-2025-10-06",
        created: 1741476542,
      },
      { type: "text-delta", delta: "Hel" },
      { type: "text-delta", delta: "lo" },
      { type: "finish", finishReason: "stop" },
      {
        type: "usage",
        usage: {
          inputTokens: 36,
          outputTokens: 87,
          totalTokens: 123,
          cachedInputTokens: 12,
          reasoningTokens: 64,
        },
      },
    ]);
  });

  it("function calls open with their call_id and stream their arguments; finish is tool_calls", () => {
    const call = (index: number, id: string, name: string) => ({
      output_index: index,
      item: {
        type: "function_call",
        id: `fc_${index}`,
        call_id: id,
        name,
        arguments: "",
        status: "in_progress",
      },
    });
    const parts = decode([
      created,
      ["response.output_item.added", { output_index: 0, item: { type: "reasoning", id: "rs", summary: [] } }],
      [
        "response.reasoning_summary_text.delta",
        { item_id: "rs", output_index: 0, summary_index: 0, delta: "Plan." },
      ],
      ["response.output_item.done", { output_index: 0, item: { type: "reasoning", id: "rs", summary: [] } }],
      ["response.output_item.added", call(1, "call_a", "get_weather")],
      ["response.function_call_arguments.delta", { item_id: "fc_1", output_index: 1, delta: '{"city":' }],
      ["response.function_call_arguments.delta", { item_id: "fc_1", output_index: 1, delta: '"Oslo"}' }],
      [
        "response.function_call_arguments.done",
        { item_id: "fc_1", output_index: 1, arguments: '{"city":"Oslo"}' },
      ],
      [
        "response.output_item.done",
        { output_index: 1, item: { ...call(1, "call_a", "get_weather").item, arguments: '{"city":"Oslo"}' } },
      ],
      ["response.output_item.added", call(2, "call_b", "get_time")],
      ["response.function_call_arguments.delta", { item_id: "fc_2", output_index: 2, delta: "{}" }],
      ["response.completed", { response: response({}) }],
    ]);
    expect(parts.slice(1)).toEqual([
      { type: "reasoning-delta", delta: "Plan." },
      { type: "tool-call-start", index: 0, id: "call_a", name: "get_weather" },
      { type: "tool-call-delta", index: 0, argumentsDelta: '{"city":' },
      { type: "tool-call-delta", index: 0, argumentsDelta: '"Oslo"}' },
      { type: "tool-call-start", index: 1, id: "call_b", name: "get_time" },
      { type: "tool-call-delta", index: 1, argumentsDelta: "{}" },
      { type: "finish", finishReason: "tool_calls" },
      expect.objectContaining({ type: "usage" }),
    ]);
  });

  it("an item sent only whole (no deltas) is read from its output_item.done, once", () => {
    const parts = decode([
      created,
      ["response.output_item.done", { output_index: 0, item: message("Whole text") }],
      [
        "response.output_item.done",
        {
          output_index: 1,
          item: { type: "function_call", call_id: "call_z", name: "f", arguments: '{"x":1}' },
        },
      ],
      ["response.completed", { response: response({}) }],
    ]);
    expect(parts.slice(1, 4)).toEqual([
      { type: "text-delta", delta: "Whole text" },
      { type: "tool-call-start", index: 0, id: "call_z", name: "f" },
      { type: "tool-call-delta", index: 0, argumentsDelta: '{"x":1}' },
    ]);
  });

  it("refusal deltas stay refusals; response.incomplete at max_output_tokens finishes with length", () => {
    const parts = decode([
      created,
      ["response.refusal.delta", { item_id: "msg_1", output_index: 0, content_index: 0, delta: "I can't." }],
      [
        "response.incomplete",
        { response: response({ status: "incomplete", incomplete_details: { reason: "max_output_tokens" } }) },
      ],
    ]);
    expect(parts.slice(1, 3)).toEqual([
      { type: "refusal-delta", delta: "I can't." },
      { type: "finish", finishReason: "length" },
    ]);
  });

  it("response.failed and the error event are error parts with their code; nothing after them counts", () => {
    const failed = decode([
      created,
      ["response.output_text.delta", { output_index: 0, delta: "Hi" }],
      [
        "response.failed",
        { response: response({ status: "failed", error: { code: "server_error", message: "down" } }) },
      ],
      ["response.completed", { response: response({}) }],
    ]);
    expect(failed.slice(1).map((part) => part.type)).toEqual(["text-delta", "error"]);
    expect((failed[2] as { error: GatewayError }).error).toMatchObject({
      code: "upstream_server_error",
      message: "down",
    });

    const errorEvent = decode([
      created,
      ["error", { code: "rate_limit_exceeded", message: "Slow down", param: null }],
    ]);
    expect(errorEvent[1]).toMatchObject({
      type: "error",
      error: expect.objectContaining({ code: "upstream_rate_limited", message: "Slow down" }),
    });
    const unknown = decode([created, ["error", { code: "weird", message: "?", param: "input" }]]);
    expect(unknown[1]).toMatchObject({
      error: expect.objectContaining({ code: "upstream_stream_error", param: "input" }),
    });
  });

  it("a stream that ends before response.completed is truncated; events that are not JSON are bad", () => {
    const truncated = decode([created, ["response.output_text.delta", { output_index: 0, delta: "Hi" }]]);
    expect(truncated.at(-1)).toMatchObject({
      type: "error",
      error: expect.objectContaining({ code: "upstream_stream_truncated" }),
    });
    const decoder = createOpenAIResponsesStreamDecoder();
    expect(decoder.push({ data: "{not json" })).toMatchObject([
      { type: "error", error: expect.objectContaining({ code: "upstream_bad_response" }) },
    ]);
    expect(decoder.end()).toEqual([]);
    const orphan = decode([
      created,
      ["response.function_call_arguments.delta", { output_index: 4, delta: "{}" }],
    ]);
    expect(orphan[1]).toMatchObject({ error: expect.objectContaining({ code: "upstream_bad_response" }) });
  });

  it("decodes the gateway's own Responses ingress stream back to the parts it encoded", () => {
    const identity: ResponseIdentity = {
      id: "resp_round",
      model: "m",
      createdAt: 100,
      instructions: null,
      previousResponseId: null,
      store: true,
      echo: parseResponsesRequest({ model: "m", input: "hi" }).echo,
    };
    const parts: StreamPart[] = [
      { type: "reasoning-delta", delta: "think" },
      { type: "text-delta", delta: "Hel" },
      { type: "text-delta", delta: "lo" },
      { type: "tool-call-start", index: 0, id: "call_1", name: "f" },
      { type: "tool-call-delta", index: 0, argumentsDelta: '{"a":' },
      { type: "tool-call-delta", index: 0, argumentsDelta: "1}" },
      { type: "finish", finishReason: "tool_calls" },
      {
        type: "usage",
        usage: { inputTokens: 3, outputTokens: 4, totalTokens: 7, cachedInputTokens: 0, reasoningTokens: 0 },
      },
    ];
    const encoder = createResponseEventEncoder({ identity, nowSeconds: () => 200 });
    const text = parts.map((part) => encoder.encode(part)).join("") + encoder.end();
    const parser = new SseParser();
    const decoder = createOpenAIResponsesStreamDecoder();
    const decoded = [...parser.push(Buffer.from(text)), ...parser.end()].flatMap((event) =>
      decoder.push(event),
    );
    decoded.push(...decoder.end());
    expect(decoded).toEqual([
      { type: "response-metadata", id: "resp_round", model: "m", created: 100 },
      ...parts,
    ]);
  });
});
