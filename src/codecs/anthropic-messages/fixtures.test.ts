import { describe, expect, it } from "vitest";
import { collectParts, readFixture } from "../../../test/support/stream-parts.js";
import type { StreamPart } from "../../core/stream-part.js";
import { anthropicMessagesCodec } from "./index.js";

const read = (name: string): string => readFixture(`anthropic-messages/${name}`);

/** Each line of a `.chunks.txt` is one event's `data:` payload; its `type` names the event. */
function decodeChunks(name: string): StreamPart[] {
  const decoder = anthropicMessagesCodec.createStreamDecoder();
  const lines = read(name)
    .split("\n")
    .filter((line) => line !== "");
  return [...lines.flatMap((data) => decoder.push({ data })), ...decoder.end()];
}

/** The same recording re-framed as Anthropic sends it (`event:` + `data:`), in 7-byte pieces. */
function decodeFramed(name: string): StreamPart[] {
  const text = read(name)
    .split("\n")
    .filter((line) => line !== "")
    .map((data) => `event: ${(JSON.parse(data) as { type: string }).type}\ndata: ${data}\n\n`)
    .join("");
  const bytes = Buffer.from(text, "utf8");
  const parser = anthropicMessagesCodec.createFrameParser();
  const decoder = anthropicMessagesCodec.createStreamDecoder();
  const parts: StreamPart[] = [];
  for (let at = 0; at < bytes.length; at += 7) {
    for (const event of parser.push(bytes.subarray(at, at + 7))) parts.push(...decoder.push(event));
  }
  for (const event of parser.end()) parts.push(...decoder.push(event));
  return [...parts, ...decoder.end()];
}

const collect = collectParts;

const codePoints = (text: string | null | undefined) => [...(text ?? "")].length;

const strava =
  'Today you post every run to Strava, but Strava does not answer the question: "What should I do next after this run?". It is a great log, but it is not adaptive.';

describe("decodeChatResponse on recorded Anthropic messages", () => {
  it("text-cache-read-and-write.json: text, end_turn, usage with cache read and write folded into input", () => {
    const result = anthropicMessagesCodec.decodeChatResponse(
      JSON.parse(read("text-cache-read-and-write.json")),
    );
    expect(result.model).toBe("claude-sonnet-4-5-20250929");
    expect(result.id).toBe("msg_01KPaKTJSqAKoZri7Ujrny58");
    expect(result.text?.startsWith("Python is a beginner-friendly, versatile programming languag")).toBe(
      true,
    );
    expect(codePoints(result.text)).toBe(164);
    expect(result.toolCalls).toEqual([]);
    expect(result.finishReason).toBe("stop");
    expect(result.stopSequence).toBeUndefined();
    // input_tokens=3 excludes the cache: OpenAI semantics add read (1111) and write (418).
    expect(result.usage).toEqual({
      inputTokens: 3 + 1111 + 418,
      outputTokens: 33,
      totalTokens: 3 + 1111 + 418 + 33,
      cachedInputTokens: 1111,
      cacheWriteInputTokens: 418,
    });
  });

  it("tool-use.json: one tool call whose arguments round-trip the input, escaped quotes included", () => {
    const result = anthropicMessagesCodec.decodeChatResponse(JSON.parse(read("tool-use.json")));
    expect(result.model).toBe("claude-sonnet-4-5-20250929");
    expect(result.text).toBeNull();
    expect(result.finishReason).toBe("tool_calls");
    expect(result.toolCalls).toHaveLength(1);
    const [call] = result.toolCalls;
    expect(call?.id).toBe("toolu_01JKBd25gEfr9ZpVvn8quK2v");
    expect(call?.name).toBe("website_update");
    expect(JSON.parse(call?.arguments ?? "")).toEqual({
      website_path: "/home/user/pace-landing",
      tasks: [{ description: strava, type: "feature", passes: false }],
    });
    expect(result.usage).toEqual({
      inputTokens: 912,
      outputTokens: 118,
      totalTokens: 1030,
      cachedInputTokens: 0,
      cacheWriteInputTokens: 0,
    });
  });
});

describe("stream decoder on recorded Anthropic streams", () => {
  for (const decode of [decodeChunks, decodeFramed]) {
    describe(decode === decodeChunks ? "payload per line" : "re-framed as SSE in 7-byte pieces", () => {
      it("text-stream.chunks.txt: text, end_turn, final cumulative usage", () => {
        const got = collect(decode("text-stream.chunks.txt"));
        expect(got.errors).toEqual([]);
        expect(got.id).toBe("msg_01QC4g3HwBThD4BaNtBckFDJ");
        expect(got.model).toBe("claude-sonnet-4-5-20250929");
        expect(got.text.startsWith("Hello! I'm doing well, thank you for asking. How are you doi")).toBe(
          true,
        );
        expect(codePoints(got.text)).toBe(108);
        expect(got.reasoning).toBe("");
        expect(got.calls).toEqual([]);
        expect(got.finish).toEqual(["stop"]);
        expect(got.usage).toEqual([
          {
            inputTokens: 12,
            outputTokens: 30,
            totalTokens: 42,
            cachedInputTokens: 0,
            cacheWriteInputTokens: 0,
          },
        ]);
      });

      it("tool-use-stream.chunks.txt: partial_json fragments concatenate to the input", () => {
        const got = collect(decode("tool-use-stream.chunks.txt"));
        expect(got.errors).toEqual([]);
        expect(got.text).toBe("");
        expect(got.calls).toHaveLength(1);
        expect(got.calls[0]?.id).toBe("toolu_01Cr31vcGoeeRgi3Eo5Ds8qN");
        expect(got.calls[0]?.name).toBe("website_update");
        expect(got.calls[0]?.args).toBe(
          `{"website_path": "/home/user/pace-landing", "tasks": [{"description": ${JSON.stringify(strava)}, "type": "feature", "passes": false}]}`,
        );
        expect(got.finish).toEqual(["tool_calls"]);
        expect(got.usage).toEqual([
          {
            inputTokens: 912,
            outputTokens: 118,
            totalTokens: 1030,
            cachedInputTokens: 0,
            cacheWriteInputTokens: 0,
          },
        ]);
      });

      it("thinking-stream.chunks.txt: thinking deltas become reasoning, the signature is dropped", () => {
        const got = collect(decode("thinking-stream.chunks.txt"));
        expect(got.errors).toEqual([]);
        expect(got.reasoning.startsWith("The previous result was 925. Now I need to divide that by 5.")).toBe(
          true,
        );
        expect(codePoints(got.reasoning)).toBe(75);
        expect(got.text).toBe("925 ÷ 5 = 185");
        expect(got.finish).toEqual(["stop"]);
        expect(got.usage).toEqual([
          {
            inputTokens: 69,
            outputTokens: 53,
            totalTokens: 122,
            cachedInputTokens: 0,
            cacheWriteInputTokens: 0,
          },
        ]);
      });
    });
  }
});

describe("decodeError on recorded Anthropic errors", () => {
  it("error-invalid-request.json (HTTP 400): upstream_invalid_request with Anthropic's message", () => {
    const error = anthropicMessagesCodec.decodeError({
      status: 400,
      headers: {},
      body: read("error-invalid-request.json"),
      provider: "anthropic",
    });
    expect(error.code).toBe("upstream_invalid_request");
    expect(error.failover).toBe("stop");
    expect(error.upstreamStatus).toBe(400);
    expect(error.provider).toBe("anthropic");
    expect(
      error.message.startsWith(
        "messages.2.content.0: unexpected `tool_use_id` found in `tool_result` blocks: sr",
      ),
    ).toBe(true);
    expect(codePoints(error.message)).toBe(200);
  });
});
