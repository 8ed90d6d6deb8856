import { readFileSync } from "node:fs";
import { APIError } from "@anthropic-ai/sdk";
import { Stream } from "@anthropic-ai/sdk/core/streaming";
import { MessageStream } from "@anthropic-ai/sdk/lib/MessageStream";
import type { Message, MessageStreamEvent } from "@anthropic-ai/sdk/resources/messages";
import { describe, expect, it } from "vitest";
import { openaiChatCodec } from "../../codecs/openai-chat/index.js";
import type { StreamPart } from "../../core/stream-part.js";
import { GatewayError } from "../../errors/gateway-error.js";
import { createEventEncoder } from "./encode-messages-stream.js";

const context = { id: "msg_gw", model: "catalog-model", requestId: "req_1" };

interface Event {
  event: string;
  data: Record<string, unknown>;
}

function encodeAll(parts: readonly StreamPart[]): string {
  const encoder = createEventEncoder(context);
  return parts.map((part) => encoder.encode(part)).join("") + encoder.end();
}

/** SSE text → events, checking that every `event:` name equals its data's `type`, as Anthropic's do. */
function events(sse: string): Event[] {
  return sse
    .split("\n\n")
    .filter((block) => block !== "")
    .map((block) => {
      const [name, data, ...rest] = block.split("\n");
      expect(rest).toEqual([]);
      expect(name?.startsWith("event: ")).toBe(true);
      expect(data?.startsWith("data: ")).toBe(true);
      const event = {
        event: (name ?? "").slice(7),
        data: JSON.parse((data ?? "").slice(6)) as Record<string, unknown>,
      };
      expect(event.data["type"]).toBe(event.event);
      return event;
    });
}

const messageStart = (usage = { input_tokens: 0, output_tokens: 0 }) => ({
  event: "message_start",
  data: {
    type: "message_start",
    message: {
      id: "msg_gw",
      type: "message",
      role: "assistant",
      model: "catalog-model",
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { cache_creation_input_tokens: 0, cache_read_input_tokens: 0, ...usage },
    },
  },
});
const ping = { event: "ping", data: { type: "ping" } };
const blockStart = (index: number, block: unknown) => ({
  event: "content_block_start",
  data: { type: "content_block_start", index, content_block: block },
});
const blockDelta = (index: number, delta: unknown) => ({
  event: "content_block_delta",
  data: { type: "content_block_delta", index, delta },
});
const blockStop = (index: number) => ({
  event: "content_block_stop",
  data: { type: "content_block_stop", index },
});
const messageDelta = (
  stopReason: string | null,
  usage: Record<string, number>,
  stopSequence: string | null = null,
) => ({
  event: "message_delta",
  data: { type: "message_delta", delta: { stop_reason: stopReason, stop_sequence: stopSequence }, usage },
});
const messageStop = { event: "message_stop", data: { type: "message_stop" } };

const usage = { inputTokens: 10, outputTokens: 4, totalTokens: 14 };
const finalUsage = {
  input_tokens: 10,
  output_tokens: 4,
  cache_creation_input_tokens: 0,
  cache_read_input_tokens: 0,
};

/** Reads SSE text with the official SDK: its SSE parser, then its message accumulator. */
async function readWithSdk(sse: string): Promise<Message> {
  const response = new Response(sse, { headers: { "content-type": "text/event-stream" } });
  const parsed = Stream.fromSSEResponse<MessageStreamEvent>(response, new AbortController());
  const lines: string[] = [];
  for await (const event of parsed) lines.push(`${JSON.stringify(event)}\n`);
  const body = new Response(lines.join("")).body;
  if (body === null) throw new Error("no body");
  return MessageStream.fromReadableStream(body).finalMessage();
}

describe("createEventEncoder", () => {
  it("writes Anthropic's exact sequence for a text answer", () => {
    const sse = encodeAll([
      { type: "response-metadata", id: "chatcmpl-up", model: "gpt-4o-2024-08-06" },
      { type: "text-delta", delta: "Hel" },
      { type: "text-delta", delta: "" },
      { type: "text-delta", delta: "lo" },
      { type: "finish", finishReason: "stop" },
      { type: "usage", usage },
    ]);
    const start = messageStart();
    // An OpenAI id is not an Anthropic one; the upstream's model is kept.
    start.data.message.model = "gpt-4o-2024-08-06";
    expect(events(sse)).toEqual([
      start,
      ping,
      blockStart(0, { type: "text", text: "" }),
      blockDelta(0, { type: "text_delta", text: "Hel" }),
      blockDelta(0, { type: "text_delta", text: "lo" }),
      blockStop(0),
      messageDelta("end_turn", finalUsage),
      messageStop,
    ]);
  });

  it("counts block indexes across text and tool calls, closing each block before the next", () => {
    const sse = encodeAll([
      { type: "text-delta", delta: "Checking." },
      { type: "tool-call-start", index: 0, id: "call_1", name: "get_weather" },
      { type: "tool-call-delta", index: 0, argumentsDelta: "" },
      { type: "tool-call-delta", index: 0, argumentsDelta: '{"city": "Pa' },
      { type: "tool-call-delta", index: 0, argumentsDelta: 'ris"}' },
      { type: "tool-call-start", index: 1, id: "call_2", name: "get_time" },
      { type: "tool-call-delta", index: 1, argumentsDelta: "{}" },
      { type: "finish", finishReason: "tool_calls" },
      { type: "usage", usage },
    ]);
    expect(events(sse)).toEqual([
      messageStart(),
      ping,
      blockStart(0, { type: "text", text: "" }),
      blockDelta(0, { type: "text_delta", text: "Checking." }),
      blockStop(0),
      blockStart(1, { type: "tool_use", id: "call_1", name: "get_weather", input: {} }),
      blockDelta(1, { type: "input_json_delta", partial_json: '{"city": "Pa' }),
      blockDelta(1, { type: "input_json_delta", partial_json: 'ris"}' }),
      blockStop(1),
      blockStart(2, { type: "tool_use", id: "call_2", name: "get_time", input: {} }),
      blockDelta(2, { type: "input_json_delta", partial_json: "{}" }),
      blockStop(2),
      messageDelta("tool_use", finalUsage),
      messageStop,
    ]);
  });

  it("puts reasoning in a thinking block before the text block", () => {
    const sse = encodeAll([
      { type: "reasoning-delta", delta: "Think" },
      { type: "reasoning-delta", delta: "ing." },
      { type: "text-delta", delta: "Answer." },
      { type: "finish", finishReason: "length" },
    ]);
    expect(events(sse)).toEqual([
      messageStart(),
      ping,
      blockStart(0, { type: "thinking", thinking: "", signature: "" }),
      blockDelta(0, { type: "thinking_delta", thinking: "Think" }),
      blockDelta(0, { type: "thinking_delta", thinking: "ing." }),
      blockStop(0),
      blockStart(1, { type: "text", text: "" }),
      blockDelta(1, { type: "text_delta", text: "Answer." }),
      blockStop(1),
      // No usage part came: zeros, which Anthropic's shape requires.
      messageDelta("max_tokens", {
        input_tokens: 0,
        output_tokens: 0,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
      }),
      messageStop,
    ]);
  });

  it("ends with one error event when the upstream fails mid-stream", () => {
    const encoder = createEventEncoder(context);
    const sse =
      encoder.encode({ type: "text-delta", delta: "Once upon" }) +
      encoder.error(new GatewayError("upstream_unavailable", "Overloaded"));
    expect(events(sse)).toEqual([
      messageStart(),
      ping,
      blockStart(0, { type: "text", text: "" }),
      blockDelta(0, { type: "text_delta", text: "Once upon" }),
      {
        event: "error",
        data: {
          type: "error",
          error: {
            type: "overloaded_error",
            message: "Overloaded",
            details: { error_code: "upstream_unavailable" },
          },
          request_id: "req_1",
        },
      },
    ]);
  });

  it("reports cache reads and writes the Anthropic way, from usage that arrives before or after finish", () => {
    const cached = {
      inputTokens: 1000,
      outputTokens: 50,
      totalTokens: 1050,
      cachedInputTokens: 600,
      cacheWriteInputTokens: 300,
    };
    const after = events(
      encodeAll([
        { type: "text-delta", delta: "x" },
        { type: "finish", finishReason: "stop", stopSequence: "END" },
        { type: "usage", usage: cached },
      ]),
    );
    const anthropicUsage = {
      input_tokens: 100,
      output_tokens: 50,
      cache_creation_input_tokens: 300,
      cache_read_input_tokens: 600,
    };
    expect(after.at(-2)).toEqual(messageDelta("stop_sequence", anthropicUsage, "END"));

    // An upstream that reports input usage first (as Anthropic's does) shows it in message_start too.
    const before = events(
      encodeAll([
        { type: "usage", usage: cached },
        { type: "text-delta", delta: "x" },
        { type: "finish", finishReason: "stop" },
      ]),
    );
    expect(before[0]).toEqual(messageStart({ ...anthropicUsage, output_tokens: 0 }));
    expect(before.at(-2)).toEqual(messageDelta("end_turn", anthropicUsage));
  });

  it("keeps an Anthropic-style upstream id, and opens a message even for an empty answer", () => {
    const sse = encodeAll([
      { type: "response-metadata", id: "msg_upstream" },
      { type: "finish", finishReason: "stop" },
    ]);
    const start = messageStart();
    start.data.message.id = "msg_upstream";
    expect(events(sse)).toEqual([
      start,
      ping,
      messageDelta("end_turn", { ...finalUsage, input_tokens: 0, output_tokens: 0 }),
      messageStop,
    ]);
  });

  it("is read by the official SDK into the message an OpenAI upstream streamed (recorded fixture)", async () => {
    const text = readFileSync(
      new URL(
        "../../../test/fixtures/providers/openai-chat/tool-calls-parallel-stream-reasoning-usage.chunks.txt",
        import.meta.url,
      ),
      "utf8",
    );
    const decoder = openaiChatCodec.createStreamDecoder();
    const lines = [...text.split("\n").filter((line) => line !== ""), "[DONE]"];
    const parts = [...lines.flatMap((data) => decoder.push({ data })), ...decoder.end()];
    const message = await readWithSdk(encodeAll(parts));

    const calls = new Map<number, { id: string; name: string; args: string }>();
    for (const part of parts) {
      if (part.type === "tool-call-start") calls.set(part.index, { id: part.id, name: part.name, args: "" });
      if (part.type === "tool-call-delta") {
        const call = calls.get(part.index);
        if (call !== undefined) call.args += part.argumentsDelta;
      }
    }
    expect(calls.size).toBeGreaterThan(1);
    const toolUses = message.content.filter((block) => block.type === "tool_use");
    expect(toolUses.map((block) => ({ id: block.id, name: block.name, input: block.input }))).toEqual(
      [...calls.values()].map((call) => ({
        id: call.id,
        name: call.name,
        input: JSON.parse(call.args) as unknown,
      })),
    );
    expect(message.stop_reason).toBe("tool_use");
    const canonicalUsage = parts.find((part) => part.type === "usage");
    if (canonicalUsage?.type !== "usage") throw new Error("the fixture reports usage");
    expect(message.usage.output_tokens).toBe(canonicalUsage.usage.outputTokens);
    expect(message.usage.input_tokens + (message.usage.cache_read_input_tokens ?? 0)).toBe(
      canonicalUsage.usage.inputTokens,
    );
  });

  it("is raised by the official SDK as an APIError when it carries an error", async () => {
    const encoder = createEventEncoder(context);
    const sse =
      encoder.encode({ type: "text-delta", delta: "Hi" }) +
      encoder.error(new GatewayError("upstream_stream_truncated", "cut"));
    const error = await readWithSdk(sse).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).message).toContain("cut");
  });
});

describe("issue 9: a streamed refusal reaches Anthropic clients as Anthropic sends one", () => {
  it("the refusal's words in a text block, and stop_reason refusal", async () => {
    const message = await readWithSdk(
      encodeAll([
        { type: "refusal-delta", delta: "I can't " },
        { type: "refusal-delta", delta: "help with that." },
        { type: "finish", finishReason: "stop" },
        { type: "usage", usage: { inputTokens: 9, outputTokens: 6, totalTokens: 15 } },
      ]),
    );
    expect(message.content).toMatchObject([{ type: "text", text: "I can't help with that." }]);
    expect(message.stop_reason).toBe("refusal");
  });
});
