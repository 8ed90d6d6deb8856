import { request } from "undici";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  bedrockConverseCodec,
  bedrockCohereEmbedCodec,
  bedrockTitanEmbedCodec,
} from "../../codecs/bedrock-converse/index.js";
import type { EmbeddingsCodec } from "../../codecs/codec.js";
import type { BedrockProviderConfig } from "../../config/types.js";
import type { ChatRequest } from "../../core/chat-request.js";
import type { StreamPart } from "../../core/stream-part.js";
import type { GatewayError } from "../../errors/gateway-error.js";
import { bedrockTransport } from "../../transports/bedrock.js";
import type { Transport, UpstreamCall } from "../../transports/transport.js";
import type { RunningEmulator } from "../types.js";
import { startBedrockEmulator } from "./bedrock-emulator.js";

/** The gateway's own pieces against the emulator: codec.encode → transport.prepare → HTTP → codec.decode. */

const MODEL = "us.meta.llama3-3-70b-instruct-v1:0";
const credentials = { accessKeyId: "AKIAROUNDTRIP0000001", secretAccessKey: "round/trip/secret" };

let emulator: RunningEmulator;
let transport: Transport;

function providerFor(url: string, secretAccessKey = credentials.secretAccessKey): BedrockProviderConfig {
  return {
    id: "aws-us-west-2",
    kind: "bedrock",
    region: "us-west-2",
    labels: {},
    baseUrl: url,
    headers: {},
    unsupportedParameters: new Set(),
    maxConnections: 4,
    credentials: { type: "sigv4", ...credentials, secretAccessKey, sessionToken: "session-token-1" },
  };
}

async function send(call: UpstreamCall, via = transport) {
  const prepared = await via.prepare(call);
  const answer = await request(`${via.origin}${prepared.path}`, {
    method: "POST",
    headers: prepared.headers,
    body: prepared.body,
  });
  const chunks: Buffer[] = [];
  let bodyError: unknown;
  try {
    for await (const chunk of answer.body) chunks.push(chunk as Buffer);
  } catch (error) {
    // A cut stream: keep what arrived, as the relay does.
    bodyError = error;
  }
  return { status: answer.statusCode, headers: answer.headers, chunks, bodyError };
}

function chatCall(chat: ChatRequest): UpstreamCall {
  const encoded = bedrockConverseCodec.encodeChatRequest(chat, { nativeModel: MODEL });
  return {
    operation: "chat",
    dialect: "bedrock-converse",
    nativeModel: MODEL,
    stream: chat.stream,
    body: encoded.body,
  };
}

function decodeStream(chunks: readonly Buffer[]): StreamPart[] {
  const parser = bedrockConverseCodec.createFrameParser();
  const decoder = bedrockConverseCodec.createStreamDecoder();
  const parts: StreamPart[] = [];
  for (const chunk of chunks) for (const event of parser.push(chunk)) parts.push(...decoder.push(event));
  for (const event of parser.end()) parts.push(...decoder.push(event));
  parts.push(...decoder.end());
  return parts;
}

const weather = {
  name: "get_weather",
  description: "Weather in a city",
  parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
};

function chat(overrides: Partial<ChatRequest> = {}): ChatRequest {
  return {
    model: "llama-3.3-70b",
    messages: [
      { role: "system", content: "Be brief." },
      { role: "user", content: [{ type: "text", text: "Hello from the round trip" }] },
    ],
    stream: false,
    includeUsage: true,
    ...overrides,
  };
}

beforeAll(async () => {
  emulator = await startBedrockEmulator({ name: "aws-us-west-2", region: "us-west-2", credentials });
  transport = bedrockTransport(providerFor(emulator.url));
});

afterAll(async () => {
  await emulator.close();
});

beforeEach(() => emulator.faults.clear());

describe("codec + transport + emulator agree", () => {
  it("Converse: text, finish and usage", async () => {
    const answer = await send(chatCall(chat()));
    expect(answer.status).toBe(200);
    const result = bedrockConverseCodec.decodeChatResponse(
      JSON.parse(Buffer.concat(answer.chunks).toString("utf8")),
    );
    expect(result.text).toContain('You said: "Hello from the round trip"');
    expect(result.finishReason).toBe("stop");
    expect(result.usage?.outputTokens).toBeGreaterThan(0);
    expect(emulator.faults.requests().last_headers?.["x-amz-security-token"]).toBe("session-token-1");
  });

  it("Converse: a tool round trip (tool call out, tool result back in)", async () => {
    const first = await send(chatCall(chat({ tools: [weather], toolChoice: { type: "required" } })));
    const call = bedrockConverseCodec.decodeChatResponse(
      JSON.parse(Buffer.concat(first.chunks).toString("utf8")),
    );
    expect(call.finishReason).toBe("tool_calls");
    const toolCall = call.toolCalls[0];
    expect(toolCall?.name).toBe("get_weather");
    if (toolCall === undefined) throw new Error("no tool call");
    const second = await send(
      chatCall(
        chat({
          tools: [weather],
          messages: [
            { role: "user", content: [{ type: "text", text: "Weather in Oslo?" }] },
            { role: "assistant", content: [], toolCalls: [toolCall] },
            { role: "tool", toolCallId: toolCall.id, content: "4 degrees and snow" },
          ],
        }),
      ),
    );
    const result = bedrockConverseCodec.decodeChatResponse(
      JSON.parse(Buffer.concat(second.chunks).toString("utf8")),
    );
    expect(result.text).toContain("The get_weather tool returned: 4 degrees and snow.");
    expect(result.finishReason).toBe("stop");
  });

  it("ConverseStream: frames → parts equal the non-streamed answer", async () => {
    const whole = bedrockConverseCodec.decodeChatResponse(
      JSON.parse(Buffer.concat((await send(chatCall(chat()))).chunks).toString("utf8")),
    );
    const answer = await send(chatCall(chat({ stream: true })));
    expect(answer.headers["content-type"]).toBe("application/vnd.amazon.eventstream");
    const parts = decodeStream(answer.chunks);
    const text = parts.flatMap((part) => (part.type === "text-delta" ? [part.delta] : [])).join("");
    expect(text).toBe(whole.text);
    expect(parts.filter((part) => part.type === "finish")).toEqual([
      { type: "finish", finishReason: "stop" },
    ]);
    expect(parts.at(-1)).toEqual({ type: "usage", usage: whole.usage });
  });

  it("ConverseStream: a stop sequence reaches the finish part", async () => {
    const whole = bedrockConverseCodec.decodeChatResponse(
      JSON.parse(Buffer.concat((await send(chatCall(chat()))).chunks).toString("utf8")),
    );
    const stop = (whole.text ?? "").split(" ")[3] ?? "";
    const parts = decodeStream((await send(chatCall(chat({ stream: true, stop: [stop] })))).chunks);
    expect(parts.find((part) => part.type === "finish")).toEqual({
      type: "finish",
      finishReason: "stop",
      stopSequence: stop,
    });
  });

  it("ConverseStream: an injected exception event becomes an error part; a cut stream is truncated", async () => {
    emulator.faults.set({ stream_error: true, stream_error_after_chunks: 3, count: 1 });
    const failed = decodeStream((await send(chatCall(chat({ stream: true })))).chunks);
    expect(failed.at(-1)).toMatchObject({ type: "error", error: { code: "upstream_stream_error" } });

    emulator.faults.set({ cut_after_chunks: 4, count: 1 });
    const cut = await send(chatCall(chat({ stream: true })));
    expect(cut.bodyError).toBeInstanceOf(Error);
    const parts = decodeStream(cut.chunks);
    expect(parts.some((part) => part.type === "text-delta")).toBe(true);
    expect(parts.at(-1)).toMatchObject({ type: "error", error: { code: "upstream_stream_truncated" } });
  });

  it("errors decode to the codes failover needs: throttling, bad signature", async () => {
    emulator.faults.set({ status: 429, count: 1 });
    const throttled = await send(chatCall(chat()));
    const throttledError: GatewayError = bedrockConverseCodec.decodeError({
      status: throttled.status,
      headers: throttled.headers,
      body: Buffer.concat(throttled.chunks).toString("utf8"),
      provider: "aws-us-west-2",
    });
    expect(throttledError.code).toBe("upstream_rate_limited");

    const badSecret = bedrockTransport(providerFor(emulator.url, "wrong-secret"));
    const denied = await send(chatCall(chat()), badSecret);
    const deniedError = bedrockConverseCodec.decodeError({
      status: denied.status,
      headers: denied.headers,
      body: Buffer.concat(denied.chunks).toString("utf8"),
      provider: "aws-us-west-2",
    });
    expect(denied.status).toBe(403);
    expect(deniedError.code).toBe("upstream_auth_failed");
    expect(deniedError.detail).toMatch(/^InvalidSignatureException: The request signature we calculated/);
  });

  it("the emulator's login checks: tampered body, stale signature, no login at all", async () => {
    const prepared = await transport.prepare(chatCall(chat()));
    const tampered = await request(`${transport.origin}${prepared.path}`, {
      method: "POST",
      headers: prepared.headers,
      body: prepared.body.replace("round trip", "round trap"),
    });
    expect(tampered.statusCode).toBe(403);
    expect(tampered.headers["x-amzn-errortype"]).toMatch(/^InvalidSignatureException:/);
    await tampered.body.dump();

    const stale = bedrockTransport(providerFor(emulator.url), {
      now: () => new Date(Date.now() - 10 * 60_000),
    });
    const expired = await send(chatCall(chat()), stale);
    expect(expired.status).toBe(403);
    expect(JSON.parse(Buffer.concat(expired.chunks).toString("utf8"))).toEqual({
      message: expect.stringMatching(/^Signature expired: \d{8}T\d{6}Z is now earlier than/),
    });

    const anonymous = await request(`${transport.origin}${prepared.path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: prepared.body,
    });
    expect(anonymous.statusCode).toBe(403);
    expect(anonymous.headers["x-amzn-errortype"]).toMatch(/^MissingAuthenticationTokenException:/);
    await anonymous.body.dump();
  });

  it.each([
    ["amazon.titan-embed-text-v2:0", bedrockTitanEmbedCodec, 256],
    ["cohere.embed-multilingual-v3", bedrockCohereEmbedCodec, undefined],
  ] as const)("InvokeModel embeddings: %s", async (model, codec: EmbeddingsCodec, dimensions) => {
    const encoded = codec.encodeEmbeddingsRequest(
      {
        model: "embed",
        input: ["the same text"],
        singleInput: true,
        encodingFormat: "float",
        ...(dimensions === undefined ? {} : { dimensions }),
      },
      { nativeModel: model },
    );
    const answer = await send({
      operation: "embeddings",
      dialect: "bedrock-converse",
      nativeModel: model,
      stream: false,
      body: encoded.body,
    });
    expect(answer.status).toBe(200);
    const result = codec.decodeEmbeddingsResponse(JSON.parse(Buffer.concat(answer.chunks).toString("utf8")));
    expect(result.vectors).toHaveLength(1);
    expect(result.vectors[0]?.length).toBe(dimensions ?? 1024);
    const norm = Math.hypot(...(result.vectors[0] ?? []));
    expect(norm).toBeCloseTo(1, 5);
  });
});
