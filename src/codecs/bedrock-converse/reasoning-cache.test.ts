import { describe, expect, it } from "vitest";
import { fixtureLines, readFixture } from "../../../test/support/stream-parts.js";
import type { ChatRequest } from "../../core/chat-request.js";
import type { AwsEventStreamMessage } from "../framing/aws-event-stream.js";
import { bedrockConverseCodec } from "./index.js";

/** Issue 14: Claude's reasoning (`reasoningContent`) and prompt caching (`cachePoint`) on Converse. */
const claude = { vendor: "anthropic", dialect: "bedrock-converse" } as const;

describe("reference-reasoning-tool-use-cache.json (written from the wire-format reference §3.3–3.4)", () => {
  it("keeps the signed and the redacted reasoning, and counts cache reads and writes into input once", () => {
    const result = bedrockConverseCodec.decodeChatResponse(
      JSON.parse(readFixture("bedrock-converse/reference-reasoning-tool-use-cache.json")),
    );
    expect(result.reasoningBlocks).toEqual([
      {
        type: "reasoning",
        thinking: "The user wants the weather in Paris; I should call get_weather.",
        signature: "EqQBCkYIBRgCBedrockReferenceSignature==",
        issuer: claude,
      },
      { type: "reasoning", thinking: "", redactedData: "RW13S0FoZ0JCZWRyb2NrUmVkYWN0ZWQ=", issuer: claude },
    ]);
    expect(result.toolCalls).toEqual([
      { id: "tooluse_kZJ", name: "get_weather", arguments: '{"city":"Paris"}' },
    ]);
    expect(result.usage).toEqual({
      inputTokens: 12 + 1111 + 418,
      outputTokens: 65,
      totalTokens: 1606,
      cachedInputTokens: 1111,
      cacheWriteInputTokens: 418,
    });
  });
});

describe("reasoning-stream.chunks.txt (recorded by vercel/ai)", () => {
  it("turns the reasoningContent signature delta into a reasoning-signature part", () => {
    const decoder = bedrockConverseCodec.createStreamDecoder();
    const parts = fixtureLines("bedrock-converse/reasoning-stream.chunks.txt").flatMap((line) => {
      const [eventType, payload] = Object.entries(JSON.parse(line) as Record<string, unknown>)[0] ?? [];
      const message: AwsEventStreamMessage = {
        messageType: "event",
        eventType,
        payload,
      } as AwsEventStreamMessage;
      return decoder.push(message);
    });
    const signatures = parts.filter((part) => part.type === "reasoning-signature");
    expect(signatures).toEqual([
      {
        type: "reasoning-signature",
        signature: expect.stringMatching(/^Ep0CCkgICxAB/) as unknown,
        issuer: claude,
      },
    ]);
    // The signature comes after the reasoning and before the answer's text.
    const types = parts.map((part) => part.type);
    expect(types.indexOf("reasoning-signature")).toBeGreaterThan(types.lastIndexOf("reasoning-delta"));
    expect(types.indexOf("reasoning-signature")).toBeLessThan(types.indexOf("text-delta"));
  });
});

describe("encoding a Claude tool loop with thinking and breakpoints for Converse", () => {
  const request: ChatRequest = {
    model: "claude",
    stream: false,
    includeUsage: false,
    maxOutputTokens: 4096,
    tools: [{ name: "get_weather", parameters: { type: "object" }, cacheControl: { type: "ephemeral" } }],
    messages: [
      { role: "system", content: "Be brief.", cacheControl: { type: "ephemeral", ttl: "1h" } },
      { role: "user", content: [{ type: "text", text: "Weather in Paris?" }] },
      {
        role: "assistant",
        content: [
          {
            type: "reasoning",
            thinking: "Call the tool.",
            signature: "c2ln",
            issuer: { vendor: "anthropic", dialect: "anthropic-messages" },
          },
          { type: "reasoning", thinking: "", redactedData: "cmVk", issuer: claude },
        ],
        toolCalls: [{ id: "t1", name: "get_weather", arguments: '{"city":"Paris"}' }],
      },
      { role: "tool", toolCallId: "t1", content: "18°C", cacheControl: { type: "ephemeral" } },
    ],
    passthrough: {
      dialect: "anthropic-messages",
      fields: { thinking: { type: "enabled", budget_tokens: 2048 } },
    },
  };

  it("sends reasoningContent in place, cachePoint after each breakpoint, thinking as a model field", () => {
    const encoded = bedrockConverseCodec.encodeChatRequest(request, {
      nativeModel: "us.anthropic.claude-sonnet-4-6",
    });
    const body = encoded.body;
    expect(body["system"]).toEqual([{ text: "Be brief." }, { cachePoint: { type: "default" } }]);
    expect((body["toolConfig"] as { tools: unknown[] }).tools).toEqual([
      { toolSpec: { name: "get_weather", inputSchema: { json: { type: "object" } } } },
      { cachePoint: { type: "default" } },
    ]);
    expect(body["additionalModelRequestFields"]).toEqual({
      thinking: { type: "enabled", budget_tokens: 2048 },
    });
    const messages = body["messages"] as { content: unknown[] }[];
    expect(messages[1]?.content).toEqual([
      { reasoningContent: { reasoningText: { text: "Call the tool.", signature: "c2ln" } } },
      { reasoningContent: { redactedContent: "cmVk" } },
      { toolUse: { toolUseId: "t1", name: "get_weather", input: { city: "Paris" } } },
    ]);
    expect(messages[2]?.content).toEqual([
      { toolResult: { toolUseId: "t1", content: [{ text: "18°C" }], status: "success" } },
      { cachePoint: { type: "default" } },
    ]);
    // Converse cache points have no TTL: the 1h breakpoint is sent as the default one, and said so.
    expect(encoded.warnings.map((warning) => warning.param)).toEqual(["cache_control.ttl"]);
  });

  it("drops the reasoning with a warning for a model other than Claude, and keeps thinking out", () => {
    const encoded = bedrockConverseCodec.encodeChatRequest(request, { nativeModel: "amazon.nova-pro-v1:0" });
    const messages = encoded.body["messages"] as { content: unknown[] }[];
    expect(messages[1]?.content).toEqual([
      { toolUse: { toolUseId: "t1", name: "get_weather", input: { city: "Paris" } } },
    ]);
    expect(encoded.body["additionalModelRequestFields"]).toBeUndefined();
    expect(encoded.warnings.map((warning) => warning.param)).toContain("messages[].content[].thinking");
    expect(encoded.warnings.map((warning) => warning.param)).toContain("thinking");
  });
});
