import { EventStreamCodec } from "@smithy/eventstream-codec";
import { fromUtf8, toUtf8 } from "@smithy/util-utf8";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { collectParts, readFixture } from "../../../test/support/stream-parts.js";
import type { StreamPart } from "../../core/stream-part.js";
import type { AwsEventStreamMessage } from "../framing/aws-event-stream.js";
import { bedrockConverseCodec } from "./index.js";

const read = (name: string): string => readFixture(`bedrock-converse/${name}`);

/** A `.chunks.txt` line is `{"<event type>": payload}`: one AWS event-stream event. */
function events(name: string): AwsEventStreamMessage[] {
  return read(name)
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => {
      const [entry] = Object.entries(JSON.parse(line) as Record<string, unknown>);
      if (entry === undefined) throw new Error(`empty event in ${name}`);
      return { messageType: "event", eventType: entry[0], payload: entry[1] };
    });
}

function decode(messages: readonly AwsEventStreamMessage[]): StreamPart[] {
  const decoder = bedrockConverseCodec.createStreamDecoder();
  return [...messages.flatMap((message) => decoder.push(message)), ...decoder.end()];
}

/** The same events as real binary frames, written by the official codec with AWS's headers. */
function encodeFrames(messages: readonly AwsEventStreamMessage[]): Buffer {
  const codec = new EventStreamCodec(toUtf8, fromUtf8);
  return Buffer.concat(
    messages.map((message) =>
      codec.encode({
        headers: {
          ":event-type": { type: "string", value: message.eventType ?? "" },
          ":content-type": { type: "string", value: "application/json" },
          ":message-type": { type: "string", value: "event" },
        },
        body: fromUtf8(JSON.stringify(message.payload)),
      }),
    ),
  );
}

const collect = collectParts;

const length = (text: string | null | undefined): number => [...(text ?? "")].length;

describe("decodeChatResponse on recorded responses", () => {
  it("bedrock-converse/text-cache-read.json: cache reads count as input, OpenAI semantics", () => {
    const result = bedrockConverseCodec.decodeChatResponse(JSON.parse(read("text-cache-read.json")));
    expect(result.text).toBe("21");
    expect(result.toolCalls).toEqual([]);
    expect(result.finishReason).toBe("stop");
    // inputTokens=2 + cacheReadInputTokens=1322 + cacheWriteInputTokens=0; totalTokens=1329 as reported.
    expect(result.usage).toEqual({
      inputTokens: 1324,
      outputTokens: 5,
      totalTokens: 1329,
      cachedInputTokens: 1322,
      cacheWriteInputTokens: 0,
    });
  });

  it("bedrock-converse/tool-use.json", () => {
    const result = bedrockConverseCodec.decodeChatResponse(JSON.parse(read("tool-use.json")));
    expect(result.text).toBeNull();
    expect(result.toolCalls).toEqual([
      { id: "tooluse_rTk04lpyTTTvtXcoOyVT6p", name: "weather", arguments: '{"location":"Seattle"}' },
    ]);
    expect(result.finishReason).toBe("tool_calls");
    expect(result.stopSequence).toBeUndefined();
    expect(result.usage).toEqual({
      inputTokens: 407,
      outputTokens: 33,
      totalTokens: 440,
      cachedInputTokens: 0,
      cacheWriteInputTokens: 0,
    });
  });
});

describe("decodeError on recorded responses", () => {
  it("bedrock-converse/error-validation.json → upstream_invalid_request", () => {
    const recorded = JSON.parse(read("error-validation.json")) as {
      status: number;
      headers: Record<string, string>;
      body: unknown;
    };
    const error = bedrockConverseCodec.decodeError({
      status: recorded.status,
      headers: recorded.headers,
      body: JSON.stringify(recorded.body),
      provider: "aws-us-east-1",
    });
    expect(error.code).toBe("upstream_invalid_request");
    expect(error.upstreamStatus).toBe(400);
    expect(error.failover).toBe("stop");
    expect(error.message).toContain("The content field in the Message object at messages.1 is empty.");
    expect(length(error.message.replace(/^ValidationException: /, ""))).toBe(125);
  });
});

describe("stream decoder on recorded streams", () => {
  it("bedrock-converse/text-stream.chunks.txt", () => {
    const out = collect(decode(events("text-stream.chunks.txt")));
    expect(out.text.startsWith('Let me count the "r"s in "strawberry":\n\ns-t-**r**-a-w-b-e-**')).toBe(true);
    expect(length(out.text)).toBe(109);
    expect(out.finish).toEqual(["stop"]);
    expect(out.usage).toEqual([{ inputTokens: 22, outputTokens: 55, totalTokens: 77 }]);
    expect(out.errors).toEqual([]);
  });

  it("bedrock-converse/tool-use-parallel-stream.chunks.txt (with `p` padding on every event)", () => {
    const out = collect(decode(events("tool-use-parallel-stream.chunks.txt")));
    expect(out.text.startsWith("<thinking> To retrieve the secrets associated with each of t")).toBe(true);
    expect(length(out.text)).toBe(301);
    expect(out.calls).toEqual([
      { id: "tooluse_jmYwyYtsQxiOee3FyiEBog", name: "secret_retrieval_tool", args: '{"password":"mellon"}' },
      {
        id: "tooluse_wwdyV5DhQ4yhJbQiWcoZmw",
        name: "secret_retrieval_tool",
        args: '{"password":"radiance"}',
      },
    ]);
    expect(out.finish).toEqual(["tool_calls"]);
    expect(out.usage).toEqual([{ inputTokens: 440, outputTokens: 102, totalTokens: 542 }]);
    expect(out.errors).toEqual([]);
  });

  it("bedrock-converse/reasoning-stream.chunks.txt", () => {
    const out = collect(decode(events("reasoning-stream.chunks.txt")));
    expect(
      out.reasoning.startsWith('Let me count the r\'s in "strawberry":\n\ns-t-r-a-w-b-e-r-r-y\n\n'),
    ).toBe(true);
    expect(length(out.reasoning)).toBe(116);
    expect(out.text.startsWith('There are **3** r\'s in "strawberry":\n\n1. st**r**awbe**r****r')).toBe(true);
    expect(length(out.text)).toBe(63);
    expect(out.finish).toEqual(["stop"]);
    expect(out.usage).toEqual([{ inputTokens: 51, outputTokens: 94, totalTokens: 145 }]);
  });

  it("a recorded stream cut before messageStop is reported as truncated", () => {
    const all = events("text-stream.chunks.txt");
    const cut = all.slice(
      0,
      all.findIndex((event) => event.eventType === "messageStop"),
    );
    const parts = decode(cut);
    expect(parts.at(-1)).toMatchObject({ type: "error", error: { code: "upstream_stream_truncated" } });
  });
});

describe("recorded streams as binary frames through the frame parser", () => {
  it("tool-use-parallel-stream in random chunk splits decodes to the same parts", () => {
    const messages = events("tool-use-parallel-stream.chunks.txt");
    const expected = decode(messages);
    const body = encodeFrames(messages);
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: body.length - 1 }), { maxLength: 60 }), (cuts) => {
        const points = [0, ...cuts.sort((a, b) => a - b), body.length];
        const parser = bedrockConverseCodec.createFrameParser();
        const decoder = bedrockConverseCodec.createStreamDecoder();
        const parts: StreamPart[] = [];
        for (let index = 1; index < points.length; index += 1) {
          for (const message of parser.push(body.subarray(points[index - 1], points[index]))) {
            parts.push(...decoder.push(message));
          }
        }
        for (const message of parser.end()) parts.push(...decoder.push(message));
        parts.push(...decoder.end());
        expect(parts).toEqual(expected);
      }),
      { numRuns: 50 },
    );
  });

  it("reasoning-stream cut mid-frame ends as a truncated stream", () => {
    const body = encodeFrames(events("reasoning-stream.chunks.txt"));
    const parser = bedrockConverseCodec.createFrameParser();
    const decoder = bedrockConverseCodec.createStreamDecoder();
    const parts = [
      ...parser
        .push(body.subarray(0, Math.floor(body.length / 2)))
        .flatMap((message) => decoder.push(message)),
      ...parser.end().flatMap((message) => decoder.push(message)),
      ...decoder.end(),
    ];
    expect(collect(parts).reasoning.length).toBeGreaterThan(0);
    expect(parts.at(-1)).toMatchObject({ type: "error", error: { code: "upstream_stream_truncated" } });
  });
});

describe("issue 9: guardrails — a refused prompt is a 400, a cut answer ends with content_filter", () => {
  const recorded = JSON.parse(read("text-cache-read.json")) as Record<string, unknown>;
  const decodeBody = (body: unknown) => bedrockConverseCodec.decodeChatResponse(body);

  it("a guardrail on the output: a 200 answer with finish_reason content_filter and its usage", () => {
    const cut = decodeBody({ ...recorded, stopReason: "guardrail_intervened" });
    expect(cut).toMatchObject({ text: "21", finishReason: "content_filter" });
    expect(cut.usage).toMatchObject({ inputTokens: 1324, outputTokens: 5 });
  });

  it("a guardrail on the input (its trace says BLOCKED, or no output token): upstream_content_filter", () => {
    const blockedMessage = { role: "assistant", content: [{ text: "Sorry, I cannot help with that." }] };
    const traced = {
      ...recorded,
      output: { message: blockedMessage },
      stopReason: "guardrail_intervened",
      trace: {
        guardrail: {
          inputAssessment: {
            g1: { contentPolicy: { filters: [{ type: "VIOLENCE", confidence: "HIGH", action: "BLOCKED" }] } },
          },
        },
      },
    };
    expect(() => decodeBody(traced)).toThrow(expect.objectContaining({ code: "upstream_content_filter" }));
    const untraced = {
      output: { message: blockedMessage },
      stopReason: "guardrail_intervened",
      usage: { inputTokens: 12, outputTokens: 0, totalTokens: 12 },
    };
    expect(() => decodeBody(untraced)).toThrow(expect.objectContaining({ code: "upstream_content_filter" }));
  });
});
