import { readFileSync } from "node:fs";
import { Stream } from "openai/streaming";
import type { ChatCompletionChunk } from "openai/resources/chat/completions";
import { describe, expect, it } from "vitest";
import { openaiChatCodec } from "../../codecs/openai-chat/index.js";
import type { StreamPart } from "../../core/stream-part.js";
import { GatewayError } from "../../errors/gateway-error.js";
import { createChunkEncoder } from "./encode-chat-stream.js";

const context = { id: "chatcmpl-gw", model: "catalog-model", created: 100, includeUsage: true };

function decodeFixture(name: string): StreamPart[] {
  const text = readFileSync(new URL(`../../../test/fixtures/providers/${name}`, import.meta.url), "utf8");
  const decoder = openaiChatCodec.createStreamDecoder();
  const lines = [...text.split("\n").filter((line) => line !== ""), "[DONE]"];
  return [...lines.flatMap((data) => decoder.push({ data })), ...decoder.end()];
}

function encodeAll(parts: readonly StreamPart[], includeUsage: boolean): string {
  const encoder = createChunkEncoder({ ...context, includeUsage });
  return parts.map((part) => encoder.encode(part)).join("") + encoder.end();
}

/** Reads SSE text with the official SDK's own stream parser. */
async function readWithSdk(sse: string): Promise<ChatCompletionChunk[]> {
  const response = new Response(sse, { headers: { "content-type": "text/event-stream" } });
  const stream = Stream.fromSSEResponse<ChatCompletionChunk>(response, new AbortController());
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

describe("createChunkEncoder", () => {
  it("writes OpenAI's exact chunk shapes", () => {
    const encoder = createChunkEncoder(context);
    const parts: StreamPart[] = [
      { type: "response-metadata", id: "chatcmpl-up", model: "gpt-4o-2024-08-06", created: 5 },
      { type: "text-delta", delta: "Hi" },
      { type: "tool-call-start", index: 0, id: "call_1", name: "f" },
      { type: "tool-call-delta", index: 0, argumentsDelta: '{"a":1}' },
      { type: "finish", finishReason: "tool_calls" },
      { type: "usage", usage: { inputTokens: 3, outputTokens: 4, totalTokens: 7, cachedInputTokens: 1 } },
    ];
    const events = parts
      .map((part) => encoder.encode(part))
      .join("")
      .split("\n\n")
      .filter((event) => event !== "")
      .map((event) => {
        expect(event.startsWith("data: ")).toBe(true);
        return JSON.parse(event.slice(6)) as unknown;
      });
    const head = {
      id: "chatcmpl-up",
      object: "chat.completion.chunk",
      created: 5,
      model: "gpt-4o-2024-08-06",
    };
    const choice = (delta: unknown, finish: string | null = null) => ({
      ...head,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    });
    expect(events).toEqual([
      choice({ role: "assistant", content: "", refusal: null }),
      choice({ content: "Hi" }),
      choice({
        tool_calls: [{ index: 0, id: "call_1", type: "function", function: { name: "f", arguments: "" } }],
      }),
      choice({ tool_calls: [{ index: 0, function: { arguments: '{"a":1}' } }] }),
      choice({}, "tool_calls"),
      {
        ...head,
        choices: [],
        usage: {
          prompt_tokens: 3,
          completion_tokens: 4,
          total_tokens: 7,
          prompt_tokens_details: { cached_tokens: 1 },
        },
      },
    ]);
    expect(encoder.end()).toBe("data: [DONE]\n\n");
  });

  it("hides the usage chunk from a client that did not ask for it", () => {
    const encoder = createChunkEncoder({ ...context, includeUsage: false });
    expect(
      encoder.encode({ type: "usage", usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 } }),
    ).toBe("");
  });

  it("keeps the id fixed once the first chunk is out", () => {
    const encoder = createChunkEncoder(context);
    const first = encoder.encode({ type: "text-delta", delta: "a" });
    expect(encoder.encode({ type: "response-metadata", id: "late" })).toBe("");
    const second = encoder.encode({ type: "text-delta", delta: "b" });
    expect(first).toContain('"id":"chatcmpl-gw"');
    expect(second).toContain('"id":"chatcmpl-gw"');
  });

  it("writes an error part as OpenAI's in-stream error envelope", () => {
    const encoder = createChunkEncoder(context);
    const error = new GatewayError("upstream_stream_truncated", "cut", { provider: "p" });
    expect(encoder.encode({ type: "error", error })).toBe(
      'data: {"error":{"message":"cut","type":"server_error","param":null,"code":"upstream_stream_truncated"}}\n\n',
    );
  });

  it("re-encodes a recorded text stream that the official SDK reads back", async () => {
    const chunks = await readWithSdk(
      encodeAll(decodeFixture("openai-chat/text-stream-usage.chunks.txt"), true),
    );
    const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").join("");
    expect([...text].length).toBe(1724);
    expect(chunks[0]?.choices[0]?.delta.role).toBe("assistant");
    expect(chunks.every((chunk) => chunk.id === "chatcmpl-D8Z5oo6uDh67AD85p73ksdT1KxhE0")).toBe(true);
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe("stop");
    expect(chunks.at(-1)?.choices).toEqual([]);
    expect(chunks.at(-1)?.usage?.total_tokens).toBe(316);
  });

  it("re-encodes recorded parallel tool calls that the official SDK reads back", async () => {
    const parts = decodeFixture("azure-openai/tool-calls-parallel-stream.chunks.txt");
    const chunks = await readWithSdk(encodeAll(parts, false));
    const calls = new Map<number, { id?: string; name?: string; args: string }>();
    for (const chunk of chunks) {
      for (const call of chunk.choices[0]?.delta.tool_calls ?? []) {
        const entry = calls.get(call.index) ?? { args: "" };
        if (call.id !== undefined) entry.id = call.id;
        if (call.function?.name !== undefined) entry.name = call.function.name;
        entry.args += call.function?.arguments ?? "";
        calls.set(call.index, entry);
      }
    }
    expect([...calls.values()]).toEqual([
      { id: "call_GF8LHohCf34vryrD5mTlArH8", name: "secret_retrieval_tool", args: '{"password": "mellon"}' },
      {
        id: "call_7KowxRhncpXrPLQpuAMemn0y",
        name: "secret_retrieval_tool",
        args: '{"password": "radiance"}',
      },
    ]);
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe("tool_calls");
  });

  it("an in-stream error makes the official SDK raise an APIError", async () => {
    const encoder = createChunkEncoder(context);
    const sse =
      encoder.encode({ type: "text-delta", delta: "a" }) +
      encoder.encode({ type: "error", error: new GatewayError("upstream_stream_error", "boom") });
    await expect(readWithSdk(sse)).rejects.toMatchObject({
      message: expect.stringContaining("boom") as string,
    });
  });
});

describe("issue 9: a streamed refusal reaches OpenAI clients as delta.refusal, not as content", () => {
  it("an OpenAI upstream's refusal deltas go out as refusal deltas the SDK reads", async () => {
    const decoder = openaiChatCodec.createStreamDecoder();
    const upstream = [
      {
        id: "chatcmpl-up",
        object: "chat.completion.chunk",
        created: 5,
        model: "gpt-4o",
        choices: [
          { index: 0, delta: { role: "assistant", content: null, refusal: "" }, finish_reason: null },
        ],
      },
      {
        id: "chatcmpl-up",
        object: "chat.completion.chunk",
        created: 5,
        model: "gpt-4o",
        choices: [{ index: 0, delta: { refusal: "I can't " }, finish_reason: null }],
      },
      {
        id: "chatcmpl-up",
        object: "chat.completion.chunk",
        created: 5,
        model: "gpt-4o",
        choices: [{ index: 0, delta: { refusal: "help with that." }, finish_reason: null }],
      },
      {
        id: "chatcmpl-up",
        object: "chat.completion.chunk",
        created: 5,
        model: "gpt-4o",
        choices: [{ index: 0, delta: {}, finish_reason: "stop" }],
      },
    ];
    const parts = [
      ...upstream.flatMap((chunk) => decoder.push({ data: JSON.stringify(chunk) })),
      ...decoder.push({ data: "[DONE]" }),
      ...decoder.end(),
    ];
    const chunks = await readWithSdk(encodeAll(parts, false));
    const deltas = chunks.flatMap((chunk) => chunk.choices.map((choice) => choice.delta));
    expect(deltas.map((delta) => delta.refusal ?? "").join("")).toBe("I can't help with that.");
    expect(deltas.map((delta) => delta.content ?? "").join("")).toBe("");
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe("stop");
  });
});
