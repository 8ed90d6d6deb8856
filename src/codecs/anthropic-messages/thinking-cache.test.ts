import { describe, expect, it } from "vitest";
import { fixtureLines, readFixture } from "../../../test/support/stream-parts.js";
import type { ChatRequest } from "../../core/chat-request.js";
import type { StreamPart } from "../../core/stream-part.js";
import { encodeMessagesResponse } from "../../ingress/anthropic/encode-messages-response.js";
import { parseMessagesRequest } from "../../ingress/anthropic/parse-messages-request.js";
import { anthropicMessagesCodec } from "./index.js";

/** Issue 14: thinking blocks with their signatures, and prompt-cache usage, through the Anthropic dialect. */
const issuer = { vendor: "anthropic", dialect: "anthropic-messages" } as const;

function decodeLines(name: string): StreamPart[] {
  const decoder = anthropicMessagesCodec.createStreamDecoder();
  return [
    ...fixtureLines(`anthropic-messages/${name}`).flatMap((data) => decoder.push({ data })),
    ...decoder.end(),
  ];
}

describe("reference-thinking-tool-use-cache.json (written from the wire-format reference §5.3)", () => {
  const body = JSON.parse(
    readFixture("anthropic-messages/reference-thinking-tool-use-cache.json"),
  ) as unknown;

  it("keeps every reasoning block with its signature, and folds cache reads and writes into input once", () => {
    const result = anthropicMessagesCodec.decodeChatResponse(body);
    expect(result.reasoningBlocks).toEqual([
      {
        type: "reasoning",
        thinking: "The user wants the weather in Paris; I should call get_weather.",
        signature: "EqQBCkYIBRgCIkBreferenceSignatureFromTheWireFormatReference==",
        issuer,
      },
      {
        type: "reasoning",
        thinking: "",
        redactedData: "EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpPreferenceRedacted",
        issuer,
      },
    ]);
    expect(result.reasoning).toBe("The user wants the weather in Paris; I should call get_weather.");
    expect(result.usage).toEqual({
      inputTokens: 12 + 1111 + 418,
      outputTokens: 65,
      totalTokens: 12 + 1111 + 418 + 65,
      cachedInputTokens: 1111,
      cacheWriteInputTokens: 418,
    });
  });

  it("reaches an Anthropic client as it came, and its replay goes upstream byte for byte", () => {
    const result = anthropicMessagesCodec.decodeChatResponse(body);
    const message = encodeMessagesResponse(result, { id: "msg_gateway", model: "claude" });
    expect(message.content).toEqual((body as { content: unknown[] }).content);
    // Anthropic's input_tokens excludes the cache again: no double counting on the way back.
    expect(message.usage).toEqual({
      input_tokens: 12,
      output_tokens: 65,
      cache_creation_input_tokens: 418,
      cache_read_input_tokens: 1111,
    });
    const replay = parseMessagesRequest({
      model: "claude",
      max_tokens: 4096,
      thinking: { type: "enabled", budget_tokens: 2048 },
      system: [{ type: "text", text: "Be brief.", cache_control: { type: "ephemeral", ttl: "1h" } }],
      tools: [
        { name: "get_weather", input_schema: { type: "object" }, cache_control: { type: "ephemeral" } },
      ],
      messages: [
        { role: "user", content: "Weather in Paris?" },
        { role: "assistant", content: message.content },
        {
          role: "user",
          content: [
            {
              type: "tool_result",
              tool_use_id: "toolu_01A",
              content: "18°C",
              cache_control: { type: "ephemeral" },
            },
          ],
        },
      ],
    });
    const encoded = anthropicMessagesCodec.encodeChatRequest(replay, { nativeModel: "claude-sonnet-4-5" });
    expect(encoded.warnings).toEqual([]);
    expect(encoded.body["system"]).toEqual([
      { type: "text", text: "Be brief.", cache_control: { type: "ephemeral", ttl: "1h" } },
    ]);
    expect(encoded.body["tools"]).toEqual([
      { name: "get_weather", input_schema: { type: "object" }, cache_control: { type: "ephemeral" } },
    ]);
    expect(encoded.body["thinking"]).toEqual({ type: "enabled", budget_tokens: 2048 });
    const messages = encoded.body["messages"] as { content: unknown[] }[];
    expect(messages[1]?.content).toEqual((body as { content: unknown[] }).content);
    expect(messages[2]?.content).toEqual([
      {
        type: "tool_result",
        tool_use_id: "toolu_01A",
        content: "18°C",
        cache_control: { type: "ephemeral" },
      },
    ]);
  });
});

describe("thinking-stream.chunks.txt (recorded by vercel/ai)", () => {
  it("closes the thinking block with its signature, as a reasoning-signature part", () => {
    const parts = decodeLines("thinking-stream.chunks.txt");
    const signatures = parts.filter((part) => part.type === "reasoning-signature");
    expect(signatures).toHaveLength(1);
    expect(signatures[0]).toMatchObject({
      issuer,
      signature: expect.stringMatching(/^EvQBCkYICxgCKkAxhD4N/) as unknown,
    });
    const order = parts
      .map((part) => part.type)
      .filter((type) => type !== "reasoning-delta" && type !== "text-delta");
    expect(order).toEqual(["response-metadata", "reasoning-signature", "finish", "usage"]);
  });
});

describe("reference-vertex-thinking-cache.chunks.txt (written from §5.4, Claude on Vertex)", () => {
  it("gives thinking, its signature, the redacted block and the cache read of the stream", () => {
    const parts = decodeLines("reference-vertex-thinking-cache.chunks.txt");
    expect(parts.filter((part) => part.type !== "text-delta" && part.type !== "response-metadata")).toEqual([
      { type: "reasoning-delta", delta: "The tool said 18°C." },
      { type: "reasoning-signature", signature: "EqQBCkYIBRgCVertexReferenceSignature==", issuer },
      { type: "reasoning-redacted", data: "EmwKAhgBVertexReferenceRedacted", issuer },
      { type: "finish", finishReason: "stop" },
      {
        type: "usage",
        usage: {
          inputTokens: 1536,
          outputTokens: 40,
          totalTokens: 1576,
          cachedInputTokens: 1529,
          cacheWriteInputTokens: 0,
        },
      },
    ]);
  });
});

describe("reasoning a Claude model cannot verify", () => {
  const request = (content: ChatRequest["messages"][number]): ChatRequest => ({
    model: "m",
    stream: false,
    includeUsage: false,
    maxOutputTokens: 100,
    messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }, content],
  });

  it("is dropped with one warning: unsigned, or issued by another vendor", () => {
    const encoded = anthropicMessagesCodec.encodeChatRequest(
      request({
        role: "assistant",
        content: [
          { type: "reasoning", thinking: "no signature", issuer },
          {
            type: "reasoning",
            thinking: "Gemini's",
            signature: "c2ln",
            issuer: { vendor: "google", dialect: "gemini" },
          },
          { type: "text", text: "Hello." },
        ],
      }),
      { nativeModel: "claude" },
    );
    expect((encoded.body["messages"] as { content: unknown }[])[1]?.content).toEqual([
      { type: "text", text: "Hello." },
    ]);
    expect(encoded.warnings.map((warning) => warning.param)).toEqual(["messages[].content[].thinking"]);
  });
});
