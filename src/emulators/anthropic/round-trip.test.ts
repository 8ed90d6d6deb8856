import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { anthropicMessagesCodec } from "../../codecs/anthropic-messages/index.js";
import type { AnthropicProviderConfig } from "../../config/types.js";
import type { ChatRequest } from "../../core/chat-request.js";
import type { StreamPart } from "../../core/stream-part.js";
import { anthropicTransport } from "../../transports/anthropic.js";
import { readBody } from "../http-io.js";
import type { RunningEmulator } from "../types.js";
import { startAnthropicEmulator } from "./anthropic-emulator.js";
import { createClaudeEmulation, handleAnthropicMessages } from "./messages-handler.js";

const apiKey = "sk-ant-round-trip";
const claude = createClaudeEmulation();
let emulator: RunningEmulator;

beforeAll(async () => {
  emulator = await startAnthropicEmulator({ apiKey, name: "anthropic-rt" });
});
afterAll(() => emulator.close());

function transport() {
  const provider: AnthropicProviderConfig = {
    id: "anthropic",
    kind: "anthropic",
    region: undefined,
    labels: {},
    baseUrl: emulator.url,
    headers: {},
    unsupportedParameters: new Set(),
    maxConnections: 4,
    apiKey,
    anthropicVersion: "2023-06-01",
  };
  return anthropicTransport(provider);
}

/** codec.encode → transport.prepare → undici → the emulator; returns status and body text. */
async function send(chat: ChatRequest) {
  const encoded = anthropicMessagesCodec.encodeChatRequest(chat, { nativeModel: "claude-sonnet-4-20250514" });
  const upstream = transport();
  const prepared = await upstream.prepare({
    operation: "chat",
    dialect: "anthropic-messages",
    nativeModel: "claude-sonnet-4-20250514",
    stream: chat.stream,
    body: encoded.body,
  });
  const answer = await request(`${upstream.origin}${prepared.path}`, {
    method: "POST",
    headers: prepared.headers,
    body: prepared.body,
  });
  return { status: answer.statusCode, headers: answer.headers, text: await answer.body.text(), encoded };
}

const ask = (text: string, extra: Partial<ChatRequest> = {}): ChatRequest => ({
  model: "claude-sonnet-4",
  messages: [
    { role: "system", content: "Be terse." },
    { role: "user", content: [{ type: "text", text }] },
  ],
  stream: false,
  includeUsage: true,
  ...extra,
});

function decodeStream(text: string): StreamPart[] {
  const parser = anthropicMessagesCodec.createFrameParser();
  const decoder = anthropicMessagesCodec.createStreamDecoder();
  const bytes = Buffer.from(text, "utf8");
  const parts: StreamPart[] = [];
  // Odd-sized pieces: frames split anywhere, as a socket delivers them.
  for (let at = 0; at < bytes.length; at += 13) {
    for (const event of parser.push(bytes.subarray(at, at + 13))) parts.push(...decoder.push(event));
  }
  for (const event of parser.end()) parts.push(...decoder.push(event));
  return [...parts, ...decoder.end()];
}

const weather = {
  name: "get_weather",
  parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
};

describe("codec ⇄ transport ⇄ emulator round trip", () => {
  it("non-streaming text: the default max_tokens is accepted and the answer decodes", async () => {
    const answer = await send(ask("Hello round trip"));
    expect(answer.status).toBe(200);
    expect(answer.encoded.warnings.map((warning) => warning.param)).toEqual(["max_tokens"]);
    const result = anthropicMessagesCodec.decodeChatResponse(JSON.parse(answer.text));
    expect(result.text).toContain('You said: "Hello round trip"');
    expect(result.finishReason).toBe("stop");
    expect(result.model).toBe("claude-sonnet-4-20250514");
    expect(result.usage?.inputTokens).toBeGreaterThan(0);
    expect(result.usage?.totalTokens).toBe(
      (result.usage?.inputTokens ?? 0) + (result.usage?.outputTokens ?? 0),
    );
  });

  it("tool round trip: tool call decoded, its result encoded back, the answer mentions it", async () => {
    const first = await send(ask("Weather in Paris", { tools: [weather], toolChoice: { type: "required" } }));
    const called = anthropicMessagesCodec.decodeChatResponse(JSON.parse(first.text));
    expect(called.finishReason).toBe("tool_calls");
    const [call] = called.toolCalls;
    if (call === undefined) throw new Error("no tool call");
    expect(JSON.parse(call.arguments)).toEqual({ city: expect.any(String) as unknown });
    const second = await send(
      ask("Weather in Paris", {
        tools: [weather],
        messages: [
          { role: "user", content: [{ type: "text", text: "Weather in Paris" }] },
          { role: "assistant", content: [], toolCalls: called.toolCalls },
          { role: "tool", toolCallId: call.id, content: "sunny" },
        ],
      }),
    );
    expect(second.status).toBe(200);
    const answer = anthropicMessagesCodec.decodeChatResponse(JSON.parse(second.text));
    expect(answer.text).toContain("The get_weather tool returned: sunny.");
  });

  it("streaming: SseParser + decoder give the same text and usage as the JSON answer", async () => {
    const json = anthropicMessagesCodec.decodeChatResponse(
      JSON.parse((await send(ask("Stream me", { maxOutputTokens: 100 }))).text),
    );
    const streamed = await send(ask("Stream me", { maxOutputTokens: 100, stream: true }));
    expect(streamed.headers["content-type"]).toMatch(/^text\/event-stream/);
    const parts = decodeStream(streamed.text);
    const text = parts.flatMap((part) => (part.type === "text-delta" ? [part.delta] : [])).join("");
    expect(text).toBe(json.text);
    expect(parts.filter((part) => part.type === "finish")).toEqual([
      { type: "finish", finishReason: "stop" },
    ]);
    expect(parts.find((part) => part.type === "usage")).toEqual({ type: "usage", usage: json.usage });
    expect(parts.some((part) => part.type === "error")).toBe(false);
  });

  it("streaming tool call and stop sequence reach canonical parts", async () => {
    const tools = await send(
      ask("Weather in Oslo", { stream: true, tools: [weather], toolChoice: { type: "required" } }),
    );
    const parts = decodeStream(tools.text);
    const args = parts
      .flatMap((part) => (part.type === "tool-call-delta" ? [part.argumentsDelta] : []))
      .join("");
    expect(parts.find((part) => part.type === "tool-call-start")).toMatchObject({
      index: 0,
      name: "get_weather",
    });
    expect(JSON.parse(args)).toEqual({ city: expect.any(String) as unknown });
    expect(parts.find((part) => part.type === "finish")).toEqual({
      type: "finish",
      finishReason: "tool_calls",
    });

    const plain = anthropicMessagesCodec.decodeChatResponse(JSON.parse((await send(ask("Say words"))).text));
    const word = plain.text?.split(" ")[3] ?? "";
    const stopped = decodeStream((await send(ask("Say words", { stream: true, stop: [word] }))).text);
    expect(stopped.find((part) => part.type === "finish")).toEqual({
      type: "finish",
      finishReason: "stop",
      stopSequence: word,
    });
  });

  it("faults reach the codec as the right gateway codes", async () => {
    emulator.faults.set({ status: 529, count: 1 });
    const overloaded = await send(ask("x"));
    const error = anthropicMessagesCodec.decodeError({
      status: overloaded.status,
      headers: overloaded.headers,
      body: overloaded.text,
      provider: "anthropic",
    });
    expect(error.code).toBe("upstream_unavailable");
    emulator.faults.set({ status: 429, retry_after_s: 2, count: 1 });
    const limited = await send(ask("x"));
    const rateLimited = anthropicMessagesCodec.decodeError({
      status: limited.status,
      headers: limited.headers,
      body: limited.text,
      provider: "anthropic",
    });
    expect(rateLimited.code).toBe("upstream_rate_limited");
    expect(rateLimited.retryAfterSeconds).toBe(2);
    emulator.faults.set({ stream_error: true, stream_error_after_chunks: 3, count: 1 });
    const broken = decodeStream((await send(ask("x", { stream: true }))).text);
    expect(broken.at(-1)).toMatchObject({ type: "error", error: { code: "upstream_unavailable" } });
    emulator.faults.set({ cut_after_chunks: 3, count: 1 });
    // As the relay does: feed what arrived, then end the decoder when the socket dies.
    const encoded = anthropicMessagesCodec.encodeChatRequest(ask("x", { stream: true }), {
      nativeModel: "claude-sonnet-4-20250514",
    });
    const upstream = transport();
    const prepared = await upstream.prepare({
      operation: "chat",
      dialect: "anthropic-messages",
      nativeModel: "claude-sonnet-4-20250514",
      stream: true,
      body: encoded.body,
    });
    const answer = await request(`${upstream.origin}${prepared.path}`, {
      method: "POST",
      headers: prepared.headers,
      body: prepared.body,
    });
    const parser = anthropicMessagesCodec.createFrameParser();
    const decoder = anthropicMessagesCodec.createStreamDecoder();
    const parts: StreamPart[] = [];
    const failure: unknown = await (async () => {
      for await (const chunk of answer.body) {
        for (const event of parser.push(chunk as Buffer)) parts.push(...decoder.push(event));
      }
    })().catch((caught: unknown) => caught);
    expect(failure).toBeInstanceOf(Error);
    parts.push(...decoder.end());
    expect(parts.map((part) => part.type)).toEqual(["response-metadata", "error"]);
    expect(parts.at(-1)).toMatchObject({ type: "error", error: { code: "upstream_stream_truncated" } });
  });
});

describe("handleAnthropicMessages for Claude on Vertex", () => {
  let server: Server;
  let url: string;
  let sequence = 0;

  beforeAll(async () => {
    // What the Vertex emulator does: route, (Google) auth, read the body, then hand over.
    server = createServer((incoming, response) => {
      const match = /\/publishers\/anthropic\/models\/([^/:]+):(rawPredict|streamRawPredict)$/.exec(
        incoming.url ?? "",
      );
      void readBody(incoming).then((body) => {
        if (match === null || !body.ok) {
          response.writeHead(404).end();
          return;
        }
        sequence += 1;
        const controller = new AbortController();
        response.on("close", () => controller.abort());
        return handleAnthropicMessages(
          { name: "gcp-us-east5", sequence, pacing: undefined, response, signal: controller.signal },
          JSON.parse(body.text) as unknown,
          {
            model: decodeURIComponent(match[1] ?? ""),
            stream: match[2] === "streamRawPredict",
            vertex: true,
            claude,
          },
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/projects/p/locations/us-east5/publishers/anthropic/models/claude-sonnet-4@20250514`;
  });
  afterAll(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );

  const body = (extra: Record<string, unknown> = {}) =>
    JSON.stringify({
      anthropic_version: "vertex-2023-10-16",
      max_tokens: 50,
      messages: [{ role: "user", content: "Hello Vertex" }],
      ...extra,
    });

  it(":rawPredict answers with the model from the path and Vertex-style ids", async () => {
    const answer = await request(`${url}:rawPredict`, { method: "POST", body: body() });
    expect(answer.statusCode).toBe(200);
    const result = anthropicMessagesCodec.decodeChatResponse(await answer.body.json());
    expect(result.model).toBe("claude-sonnet-4@20250514");
    expect(result.id).toMatch(/^msg_vrtx_01/);
    expect(result.text).toContain("Hello Vertex");
  });

  it(":streamRawPredict streams Anthropic's events", async () => {
    const answer = await request(`${url}:streamRawPredict`, { method: "POST", body: body({ stream: true }) });
    const parts = decodeStream(await answer.body.text());
    expect(parts.find((part) => part.type === "response-metadata")).toMatchObject({
      model: "claude-sonnet-4@20250514",
    });
    expect(parts.find((part) => part.type === "finish")).toEqual({ type: "finish", finishReason: "stop" });
  });

  it("anthropic_version is required in the body", async () => {
    const answer = await request(`${url}:rawPredict`, {
      method: "POST",
      body: JSON.stringify({ max_tokens: 5, messages: [{ role: "user", content: "x" }] }),
    });
    expect(answer.statusCode).toBe(400);
    const error = anthropicMessagesCodec.decodeError({
      status: 400,
      headers: answer.headers,
      body: await answer.body.text(),
      provider: "vertex",
    });
    expect(error.code).toBe("upstream_invalid_request");
    expect(error.message).toBe("anthropic_version: Field required");
  });
});
