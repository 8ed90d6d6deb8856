import { describe, expect, it } from "vitest";
import { collectParts, readFixture } from "../../../test/support/stream-parts.js";
import type { StreamPart } from "../../core/stream-part.js";
import { openaiChatCodec } from "./index.js";

const read = (name: string): string => readFixture(`${name}`);

function json(name: string): unknown {
  return JSON.parse(read(name)) as unknown;
}

/** Feeds a `.chunks.txt` file event by event, plus the `[DONE]` the recording dropped. */
function decodeChunks(name: string, done = true): StreamPart[] {
  const decoder = openaiChatCodec.createStreamDecoder();
  const lines = read(name)
    .split("\n")
    .filter((line) => line !== "");
  if (done) lines.push("[DONE]");
  return [...lines.flatMap((data) => decoder.push({ data })), ...decoder.end()];
}

const collect = collectParts;

describe("decodeChatResponse on recorded responses", () => {
  it("openai-chat/text.json", () => {
    const result = openaiChatCodec.decodeChatResponse(json("openai-chat/text.json"));
    expect(result.model).toBe("gpt-4.1-nano-2025-04-14");
    expect(result.text?.startsWith("**Holiday Name:** Galaxy Day  \n\n**Date:** October 31st, alig")).toBe(
      true,
    );
    expect([...(result.text ?? "")].length).toBe(1842);
    expect(result.finishReason).toBe("stop");
    expect(result.toolCalls).toEqual([]);
    expect(result.usage).toEqual({
      inputTokens: 16,
      outputTokens: 363,
      totalTokens: 379,
      cachedInputTokens: 0,
      reasoningTokens: 0,
    });
  });

  it("openai-chat/tool-call.json (older usage shape)", () => {
    const result = openaiChatCodec.decodeChatResponse(json("openai-chat/tool-call.json"));
    expect(result.model).toBe("gpt-4o-2024-08-06");
    expect(result.text).toBeNull();
    expect(result.toolCalls).toEqual([
      {
        id: "call_Y6qJ7ofLgOrBnMD5WbVAeiRV",
        name: "GetWeatherArgs",
        arguments: '{"city":"Edinburgh","country":"UK","units":"c"}',
      },
    ]);
    expect(result.finishReason).toBe("tool_calls");
    expect(result.usage).toEqual({ inputTokens: 76, outputTokens: 24, totalTokens: 100, reasoningTokens: 0 });
  });

  it("openai-chat/cached-tokens.json", () => {
    const result = openaiChatCodec.decodeChatResponse(json("openai-chat/cached-tokens.json"));
    expect(result).toMatchObject({ model: "gpt-4o-mini-2024-07-18", text: "ok", finishReason: "stop" });
    expect(result.usage).toEqual({
      inputTokens: 10122,
      outputTokens: 1,
      totalTokens: 10123,
      cachedInputTokens: 9984,
      reasoningTokens: 0,
    });
  });

  it("azure-openai/text.json", () => {
    const result = openaiChatCodec.decodeChatResponse(json("azure-openai/text.json"));
    expect(result).toMatchObject({
      id: "chatcmpl-CYljXG7URhfUajUrf04DzDMUn59Fm",
      model: "gpt-4o-mini-2024-07-18",
      text: "4200 + 42 equals 4242.",
      finishReason: "stop",
    });
    expect(result.refusal).toBeUndefined();
    expect(result.usage).toEqual({
      inputTokens: 16,
      outputTokens: 11,
      totalTokens: 27,
      cachedInputTokens: 0,
      reasoningTokens: 0,
    });
  });

  it("azure-openai/tool-calls-parallel.json", () => {
    const result = openaiChatCodec.decodeChatResponse(json("azure-openai/tool-calls-parallel.json"));
    expect(result.text).toBeNull();
    expect(result.toolCalls).toEqual([
      {
        id: "call_Ogl4xrgYelrGfioRoTJoXCF0",
        name: "secret_retrieval_tool",
        arguments: '{"password": "mellon"}',
      },
      {
        id: "call_J8hE6f1cZ8sJIzw3FCswowSI",
        name: "secret_retrieval_tool",
        arguments: '{"password": "radiance"}',
      },
    ]);
    expect(result.finishReason).toBe("tool_calls");
    expect(result.usage).toMatchObject({ inputTokens: 75, outputTokens: 54, totalTokens: 129 });
  });

  it("azure-openai/cached-and-reasoning-tokens.json", () => {
    const result = openaiChatCodec.decodeChatResponse(json("azure-openai/cached-and-reasoning-tokens.json"));
    expect(result.model).toBe("gpt-5-mini-2025-08-07");
    expect(result.text?.startsWith("Hello there!\n\nShort answer: pick based on time and goals — h")).toBe(
      true,
    );
    expect([...(result.text ?? "")].length).toBe(1422);
    expect(result.finishReason).toBe("stop");
    expect(result.usage).toEqual({
      inputTokens: 3662,
      outputTokens: 863,
      totalTokens: 4525,
      cachedInputTokens: 2944,
      reasoningTokens: 512,
    });
  });

  it.each([
    ["null", null],
    ["an array", []],
    ["no choices", { id: "x", choices: [] }],
    ["a choice without message", { choices: [{ index: 0 }] }],
    ["numeric content", { choices: [{ message: { content: 5 } }] }],
    ["tool calls that are not an array", { choices: [{ message: { content: null, tool_calls: {} } }] }],
    ["an error body", json("openai-chat/error-unsupported-parameter.json")],
  ])("throws upstream_bad_response on %s", (_name, body) => {
    expect(() => openaiChatCodec.decodeChatResponse(body)).toThrowError(
      expect.objectContaining({ code: "upstream_bad_response" }) as Error,
    );
  });
});

describe("stream decoder on recorded streams", () => {
  it("openai-chat/text-stream-usage.chunks.txt", () => {
    const parts = decodeChunks("openai-chat/text-stream-usage.chunks.txt");
    const out = collect(parts);
    expect(out.metadata).toEqual([
      {
        type: "response-metadata",
        id: "chatcmpl-D8Z5oo6uDh67AD85p73ksdT1KxhE0",
        model: "gpt-4.1-nano-2025-04-14",
        created: 1770933892,
      },
    ]);
    expect(out.text.startsWith("**Holiday Name:** Harmony Day\n\n**Date:** Celebrated annually")).toBe(true);
    expect([...out.text].length).toBe(1724);
    expect(out.finish).toEqual(["stop"]);
    expect(out.usage).toEqual([
      { inputTokens: 16, outputTokens: 300, totalTokens: 316, cachedInputTokens: 0, reasoningTokens: 0 },
    ]);
    expect(out.errors).toEqual([]);
    expect(parts.at(-2)?.type).toBe("finish");
    expect(parts.at(-1)?.type).toBe("usage");
  });

  it("openai-chat/tool-calls-parallel-stream-reasoning-usage.chunks.txt", () => {
    const out = collect(decodeChunks("openai-chat/tool-calls-parallel-stream-reasoning-usage.chunks.txt"));
    expect(out.text).toBe("");
    expect(out.calls).toEqual([
      { id: "call_G3a5HKjotE2b7URiQE2jYHh7", name: "secret_retrieval_tool", args: '{"password": "mellon"}' },
      {
        id: "call_8a8EnJl6GNnu1T1bjVbA4Lsa",
        name: "secret_retrieval_tool",
        args: '{"password": "radiance"}',
      },
    ]);
    expect(out.finish).toEqual(["tool_calls"]);
    expect(out.usage).toEqual([
      { inputTokens: 159, outputTokens: 126, totalTokens: 285, cachedInputTokens: 0, reasoningTokens: 64 },
    ]);
  });

  it("azure-openai/tool-calls-parallel-stream.chunks.txt skips the prompt-filter preamble", () => {
    const parts = decodeChunks("azure-openai/tool-calls-parallel-stream.chunks.txt");
    expect(parts[0]).toEqual({
      type: "response-metadata",
      id: "chatcmpl-CYljzUB4y7AtiG4HHfbBBqLKpCxBx",
      model: "gpt-4o-mini-2024-07-18",
      created: 1762402703,
    });
    const out = collect(parts);
    expect(out.metadata).toHaveLength(1);
    expect(out.calls).toEqual([
      { id: "call_GF8LHohCf34vryrD5mTlArH8", name: "secret_retrieval_tool", args: '{"password": "mellon"}' },
      {
        id: "call_7KowxRhncpXrPLQpuAMemn0y",
        name: "secret_retrieval_tool",
        args: '{"password": "radiance"}',
      },
    ]);
    expect(out.finish).toEqual(["tool_calls"]);
    expect(out.usage).toEqual([]);
  });

  it("azure-openai/model-router-stream-reasoning-usage.chunks.txt", () => {
    const out = collect(decodeChunks("azure-openai/model-router-stream-reasoning-usage.chunks.txt"));
    expect(out.metadata).toEqual([
      {
        type: "response-metadata",
        id: "chatcmpl-CYPS1lijGoK8gd9lYzY3r9Sx50nbt",
        model: "gpt-5-nano-2025-08-07",
        created: 1762317021,
      },
    ]);
    expect(out.text).toBe("Capital of Denmark.");
    expect(out.finish).toEqual(["stop"]);
    expect(out.usage).toEqual([
      { inputTokens: 15, outputTokens: 78, totalTokens: 93, cachedInputTokens: 0, reasoningTokens: 64 },
    ]);
  });

  it("a stream that finished but omitted [DONE] is complete", () => {
    const out = collect(decodeChunks("openai-chat/text-stream-usage.chunks.txt", false));
    expect(out.errors).toEqual([]);
    expect(out.finish).toEqual(["stop"]);
    expect(out.usage).toHaveLength(1);
  });
});

describe("decodeError on recorded error bodies", () => {
  it("openai-chat/error-unsupported-parameter.json", () => {
    const error = openaiChatCodec.decodeError({
      status: 400,
      headers: {},
      body: read("openai-chat/error-unsupported-parameter.json"),
      provider: "openai",
    });
    expect(error.code).toBe("upstream_invalid_request");
    expect(error.param).toBe("max_tokens");
    expect(error.upstreamStatus).toBe(400);
    expect(error.provider).toBe("openai");
    expect(error.message).toMatch(/^Unsupported parameter: 'max_tokens'/);
  });

  it("azure-openai/error-content-filter.json", () => {
    const error = openaiChatCodec.decodeError({
      status: 400,
      headers: {},
      body: read("azure-openai/error-content-filter.json"),
      provider: "azure-east",
    });
    expect(error.code).toBe("upstream_content_filter");
    expect(error.param).toBe("prompt");
    expect(error.upstreamStatus).toBe(400);
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/^The response was filtered due to the prompt/);
  });
});

describe("issue 9: Azure's filter on the output is an answer, not an error", () => {
  it("azure-openai/text.json with its output filtered: content_filter, the text so far, the usage", () => {
    const body = json("azure-openai/text.json") as { choices: Record<string, unknown>[] };
    const choice = { ...body.choices[0], finish_reason: "content_filter" };
    const result = openaiChatCodec.decodeChatResponse({ ...body, choices: [choice] });
    expect(result.finishReason).toBe("content_filter");
    expect(result.text).toBe("4200 + 42 equals 4242.");
    expect(result.usage).toMatchObject({ inputTokens: 16, outputTokens: 11 });
  });
});
