import { generateKeyPairSync } from "node:crypto";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChatCodec, EmbeddingsCodec } from "../codecs/codec.js";
import { SseParser, type SseEvent } from "../codecs/framing/sse.js";
import {
  geminiCodec,
  geminiEmbedCodec,
  unpackThoughtSignature,
  vertexEmbedCodec,
} from "../codecs/gemini/index.js";
import { resolveConfig } from "../config/load.js";
import type { ProviderConfig } from "../config/types.js";
import type { ChatRequest, Dialect } from "../core/chat-request.js";
import type { ChatResult } from "../core/chat-result.js";
import type { EmbeddingsRequest, EmbeddingsResult } from "../core/embeddings.js";
import type { StreamPart } from "../core/stream-part.js";
import { GatewayError } from "../errors/gateway-error.js";
import { startGeminiEmulator } from "../emulators/gemini/index.js";
import type { RunningEmulator } from "../emulators/types.js";
import { startVertexEmulator, type VertexEmulator } from "../emulators/vertex/index.js";
import { createTransport } from "./index.js";
import type { Transport, UpstreamCall } from "./transport.js";

function provider(
  id: string,
  document: Record<string, unknown>,
  env: NodeJS.ProcessEnv = {},
): ProviderConfig {
  const config = resolveConfig(
    {
      keys: [{ name: "k", key: "sk-transport-test" }],
      providers: { [id]: document },
      models: {},
      offerings: [],
    },
    "test",
    env,
  );
  const found = config.providers.get(id);
  if (found === undefined) throw new Error("provider did not resolve");
  return found;
}

function call(overrides: Partial<UpstreamCall>): UpstreamCall {
  return {
    operation: "chat",
    dialect: "gemini",
    nativeModel: "gemini-2.5-flash",
    stream: false,
    body: { contents: [] },
    ...overrides,
  };
}

const staticVertex = (region = "us-central1") =>
  createTransport(
    provider("gcp", { kind: "vertex", project: "my-proj", region, access_token: "ya29.static" }),
  );

describe("gemini transport", () => {
  const transport = createTransport(provider("gemini", { kind: "gemini", api_key: "AIza-test" }));

  it("paths per operation, the key in x-goog-api-key, the body unchanged", async () => {
    expect(transport.origin).toBe("https://generativelanguage.googleapis.com");
    const chat = await transport.prepare(call({ body: { contents: [{ role: "user", parts: [] }] } }));
    expect(chat.path).toBe("/v1beta/models/gemini-2.5-flash:generateContent");
    expect(chat.headers["x-goog-api-key"]).toBe("AIza-test");
    expect(chat.headers.authorization).toBeUndefined();
    expect(chat.path).not.toContain("key=");
    expect(JSON.parse(chat.body)).toEqual({ contents: [{ role: "user", parts: [] }] });
    expect((await transport.prepare(call({ stream: true }))).path).toBe(
      "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
    );
    expect(
      (await transport.prepare(call({ operation: "embeddings", nativeModel: "gemini-embedding-001" }))).path,
    ).toBe("/v1beta/models/gemini-embedding-001:batchEmbedContents");
    expect((await transport.prepare(call({ nativeModel: "tunedModels/my-tune" }))).path).toBe(
      "/v1beta/tunedModels/my-tune:generateContent",
    );
  });

  it("api_version and a base URL with a path prefix", async () => {
    const custom = createTransport(
      provider("gemini", {
        kind: "gemini",
        api_key: "k",
        api_version: "v1",
        base_url: "https://proxy.example.com/google/",
      }),
    );
    expect(custom.origin).toBe("https://proxy.example.com");
    expect((await custom.prepare(call({}))).path).toBe("/google/v1/models/gemini-2.5-flash:generateContent");
  });
});

describe("vertex transport", () => {
  const prefix = "/v1/projects/my-proj/locations/us-central1";

  it("gemini dialect: publishers/google generate, stream and predict; static token as Bearer", async () => {
    const transport = staticVertex();
    expect(transport.origin).toBe("https://us-central1-aiplatform.googleapis.com");
    const chat = await transport.prepare(call({}));
    expect(chat.path).toBe(`${prefix}/publishers/google/models/gemini-2.5-flash:generateContent`);
    expect(chat.headers.authorization).toBe("Bearer ya29.static");
    expect((await transport.prepare(call({ stream: true }))).path).toBe(
      `${prefix}/publishers/google/models/gemini-2.5-flash:streamGenerateContent?alt=sse`,
    );
    expect(
      (await transport.prepare(call({ operation: "embeddings", nativeModel: "text-embedding-005" }))).path,
    ).toBe(`${prefix}/publishers/google/models/text-embedding-005:predict`);
  });

  it("anthropic dialect: rawPredict / streamRawPredict, model out of the body, anthropic_version in", async () => {
    const transport = staticVertex("us-east5");
    const body = { model: "claude-sonnet-4@20250514", max_tokens: 64, stream: true, messages: [] };
    const streamed = await transport.prepare(
      call({ dialect: "anthropic-messages", nativeModel: "claude-sonnet-4@20250514", stream: true, body }),
    );
    expect(streamed.path).toBe(
      "/v1/projects/my-proj/locations/us-east5/publishers/anthropic/models/claude-sonnet-4@20250514:streamRawPredict",
    );
    expect(JSON.parse(streamed.body)).toEqual({
      anthropic_version: "vertex-2023-10-16",
      max_tokens: 64,
      stream: true,
      messages: [],
    });
    const plain = await transport.prepare(
      call({ dialect: "anthropic-messages", nativeModel: "claude-sonnet-4@20250514", body: { model: "x" } }),
    );
    expect(plain.path.endsWith(":rawPredict")).toBe(true);
  });

  it("openai-chat dialect: the OpenAI endpoint, model stays in the body; location global", async () => {
    const transport = staticVertex("global");
    expect(transport.origin).toBe("https://aiplatform.googleapis.com");
    const dialect: Dialect = "openai-chat";
    const prepared = await transport.prepare(
      call({
        dialect,
        nativeModel: "meta/llama-3.3-70b-instruct-maas",
        body: { model: "meta/llama-3.3-70b-instruct-maas" },
      }),
    );
    expect(prepared.path).toBe("/v1/projects/my-proj/locations/global/endpoints/openapi/chat/completions");
    expect(JSON.parse(prepared.body)).toEqual({ model: "meta/llama-3.3-70b-instruct-maas" });
  });
});

// --- Against the emulators: tokens, and codec → transport → wire → codec round trips. ---

let gemini: RunningEmulator;
let vertex: VertexEmulator;
let shortLived: VertexEmulator;

beforeAll(async () => {
  [gemini, vertex, shortLived] = await Promise.all([
    startGeminiEmulator({ apiKey: "gemini-key" }),
    startVertexEmulator({ project: "rt-project", name: "vertex-rt" }),
    // Tokens that live less than the transport's refresh margin: every request needs a new one.
    startVertexEmulator({ project: "rt-project", name: "vertex-short", tokenLifetimeSeconds: 60 }),
  ]);
});

afterAll(async () => {
  await Promise.all([gemini.close(), vertex.close(), shortLived.close()]);
});

function vertexProvider(emulator: VertexEmulator, keyJson = JSON.stringify(emulator.serviceAccountKey)) {
  // The key comes from the environment, as `service_account_key: ${VERTEX_KEY}` would in switchyard.yaml.
  return provider(
    "gcp-rt",
    {
      kind: "vertex",
      project: emulator.project,
      region: "europe-west4",
      endpoint: emulator.url,
      service_account_key: "${VERTEX_KEY}",
    },
    { VERTEX_KEY: keyJson },
  );
}

const geminiProvider = () =>
  provider("gemini-rt", { kind: "gemini", api_key: "gemini-key", base_url: gemini.url });

async function send(transport: Transport, upstream: UpstreamCall) {
  const prepared = await transport.prepare(upstream);
  return request(`${transport.origin}${prepared.path}`, {
    method: "POST",
    headers: prepared.headers,
    body: prepared.body,
  });
}

async function chat(transport: Transport, input: ChatRequest, nativeModel: string): Promise<ChatResult> {
  const { body } = geminiCodec.encodeChatRequest(input, { nativeModel });
  const answer = await send(transport, call({ nativeModel, body }));
  const text = await answer.body.text();
  if (answer.statusCode !== 200)
    throw geminiCodec.decodeError({
      status: answer.statusCode,
      headers: answer.headers,
      body: text,
      provider: transport.providerId,
    });
  return geminiCodec.decodeChatResponse(JSON.parse(text));
}

async function chatStream(
  transport: Transport,
  input: ChatRequest,
  nativeModel: string,
): Promise<StreamPart[]> {
  const codec: ChatCodec<SseEvent> = geminiCodec;
  const { body } = codec.encodeChatRequest({ ...input, stream: true }, { nativeModel });
  const answer = await send(transport, call({ nativeModel, body, stream: true }));
  expect(answer.statusCode).toBe(200);
  const parser = codec.createFrameParser();
  const decoder = codec.createStreamDecoder();
  const parts: StreamPart[] = [];
  for await (const chunk of answer.body)
    for (const event of parser.push(chunk as Buffer)) parts.push(...decoder.push(event));
  for (const event of parser.end()) parts.push(...decoder.push(event));
  parts.push(...decoder.end());
  return parts;
}

async function embed(
  transport: Transport,
  codec: EmbeddingsCodec,
  input: EmbeddingsRequest,
  nativeModel: string,
): Promise<EmbeddingsResult> {
  const { body } = codec.encodeEmbeddingsRequest(input, { nativeModel });
  const answer = await send(transport, call({ operation: "embeddings", nativeModel, body }));
  expect(answer.statusCode).toBe(200);
  return codec.decodeEmbeddingsResponse(await answer.body.json());
}

const hello: ChatRequest = {
  model: "m",
  messages: [
    { role: "system", content: "Be brief." },
    { role: "user", content: [{ type: "text", text: "Round trip please" }] },
  ],
  stream: false,
  includeUsage: true,
  maxOutputTokens: 200,
};

const weather = {
  name: "get_weather",
  description: "Weather for a city",
  parameters: {
    type: "object",
    properties: { city: { type: "string" } },
    required: ["city"],
    additionalProperties: false,
  },
};

function streamed(parts: readonly StreamPart[]) {
  let text = "";
  for (const part of parts) if (part.type === "text-delta") text += part.delta;
  return {
    text,
    finish: parts.filter((part) => part.type === "finish"),
    usage: parts.filter((part) => part.type === "usage"),
    errors: parts.filter((part) => part.type === "error"),
  };
}

describe("vertex service-account tokens (google-auth-library against the emulator's token endpoint)", () => {
  it("mints once and reuses the token until it nears expiry", async () => {
    const transport = createTransport(vertexProvider(vertex));
    const before = vertex.tokensMinted();
    const first = await transport.prepare(call({}));
    const second = await transport.prepare(call({ stream: true }));
    expect(first.headers.authorization).toMatch(/^Bearer ya29\./);
    expect(second.headers.authorization).toBe(first.headers.authorization);
    expect(vertex.tokensMinted() - before).toBe(1);
  });

  it("concurrent requests share one mint", async () => {
    const transport = createTransport(vertexProvider(vertex));
    const before = vertex.tokensMinted();
    const prepared = await Promise.all(
      Array.from({ length: 6 }, () => Promise.resolve(transport.prepare(call({})))),
    );
    expect(new Set(prepared.map((one) => one.headers.authorization)).size).toBe(1);
    expect(vertex.tokensMinted() - before).toBe(1);
  });

  it("a token inside the refresh margin is replaced before use", async () => {
    const transport = createTransport(vertexProvider(shortLived));
    const before = shortLived.tokensMinted();
    const first = await transport.prepare(call({}));
    const second = await transport.prepare(call({}));
    expect(second.headers.authorization).not.toBe(first.headers.authorization);
    expect(shortLived.tokensMinted() - before).toBe(2);
  });

  it("a key the token endpoint does not trust fails the attempt as upstream_auth_failed", async () => {
    const { privateKey } = generateKeyPairSync("rsa", {
      modulusLength: 2048,
      privateKeyEncoding: { type: "pkcs8", format: "pem" },
      publicKeyEncoding: { type: "spki", format: "pem" },
    });
    const forged = JSON.stringify({ ...vertex.serviceAccountKey, private_key: privateKey });
    const transport = createTransport(vertexProvider(vertex, forged));
    const error: unknown = await Promise.resolve(transport.prepare(call({}))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).code).toBe("upstream_auth_failed");
    expect((error as GatewayError).failover).toBe("next");
  });
});

describe.each([
  ["gemini", () => createTransport(geminiProvider()), (): RunningEmulator => gemini],
  ["vertex", () => createTransport(vertexProvider(vertex)), (): RunningEmulator => vertex],
])("round trip through the %s emulator", (_name, makeTransport, emulator) => {
  it("non-streaming chat: text, stop, usage", async () => {
    const result = await chat(makeTransport(), hello, "gemini-2.5-flash");
    expect(result.text).toContain('You said: "Round trip please"');
    expect(result.finishReason).toBe("stop");
    expect(result.model).toBe("gemini-2.5-flash");
    expect(result.usage?.inputTokens).toBeGreaterThan(0);
    expect(result.usage?.totalTokens).toBe(
      (result.usage?.inputTokens ?? 0) + (result.usage?.outputTokens ?? 0),
    );
    expect(emulator().faults.requests().last).toMatchObject({
      systemInstruction: { parts: [{ text: "Be brief." }] },
      generationConfig: { maxOutputTokens: 200 },
    });
  });

  it("streaming chat through the SseParser: the same text, one finish, the last usage", async () => {
    const transport = makeTransport();
    const whole = await chat(transport, hello, "gemini-2.5-flash");
    const out = streamed(await chatStream(transport, hello, "gemini-2.5-flash"));
    expect(out.errors).toEqual([]);
    expect(out.text).toBe(whole.text);
    expect(out.finish).toEqual([{ type: "finish", finishReason: "stop" }]);
    expect(out.usage).toEqual([{ type: "usage", usage: whole.usage }]);
  });

  it("gemini-3 thought signatures survive the stateless round trip (the emulator checks them)", async () => {
    const transport = makeTransport();
    const ask: ChatRequest = {
      ...hello,
      messages: [{ role: "user", content: [{ type: "text", text: "Weather in Oslo?" }] }],
      tools: [weather],
      toolChoice: { type: "tool", name: "get_weather" },
    };
    const first = await chat(transport, ask, "gemini-3-pro-preview");
    expect(first.finishReason).toBe("tool_calls");
    const toolCall = first.toolCalls[0];
    if (toolCall === undefined) throw new Error("no tool call");
    expect(unpackThoughtSignature(toolCall.id)).toEqual(expect.any(String));
    const followUp: ChatRequest = {
      ...hello,
      messages: [
        ...ask.messages,
        { role: "assistant", content: [], toolCalls: [toolCall] },
        { role: "tool", toolCallId: toolCall.id, content: '{"temp_c":4}' },
      ],
      tools: [weather],
    };
    const second = await chat(transport, followUp, "gemini-3-pro-preview");
    expect(second.text).toContain('The get_weather tool returned: {"temp_c":4}.');
    // The same conversation with the id of another gateway (no signature) is refused by Gemini 3.
    const foreign: ChatRequest = {
      ...followUp,
      messages: [
        ...ask.messages,
        { role: "assistant", content: [], toolCalls: [{ ...toolCall, id: "call_abc123" }] },
        { role: "tool", toolCallId: "call_abc123", content: '{"temp_c":4}' },
      ],
    };
    await expect(chat(transport, foreign, "gemini-3-pro-preview")).rejects.toMatchObject({
      code: "upstream_invalid_request",
    });
  });

  it("faults: 429 → upstream_rate_limited with the RetryInfo wait; blocked stream → content-filter error part", async () => {
    const transport = makeTransport();
    emulator().faults.set({ status: 429, retry_after_s: 12, count: 1 });
    const error: unknown = await chat(transport, hello, "gemini-2.5-flash").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).code).toBe("upstream_rate_limited");
    expect((error as GatewayError).retryAfterSeconds).toBe(12);
    emulator().faults.set({ blocked: true, count: 1 });
    const out = streamed(await chatStream(transport, hello, "gemini-2.5-flash"));
    expect(out.text).toBe("");
    expect(out.errors).toMatchObject([{ type: "error", error: { code: "upstream_content_filter" } }]);
    emulator().faults.set({ cut_after_chunks: 2, count: 1 });
    // A cut is a transport error or, if the bytes ended cleanly, a truncation: never a finished answer.
    const ending = await chatStream(transport, hello, "gemini-2.5-flash").then(
      (parts) =>
        parts.flatMap((part) =>
          part.type === "error" ? [part.error.code] : part.type === "finish" ? ["finish"] : [],
        ),
      () => ["transport-error"],
    );
    expect(ending).toHaveLength(1);
    expect(["transport-error", "upstream_stream_truncated"]).toContain(ending[0]);
  });
});

describe("embeddings round trips", () => {
  const input: EmbeddingsRequest = {
    model: "m",
    input: ["alpha", "beta"],
    singleInput: false,
    encodingFormat: "float",
    dimensions: 32,
  };

  it("gemini-embed through batchEmbedContents", async () => {
    const result = await embed(
      createTransport(geminiProvider()),
      geminiEmbedCodec,
      input,
      "gemini-embedding-001",
    );
    expect(result.vectors).toHaveLength(2);
    expect(result.vectors.every((vector) => vector.length === 32)).toBe(true);
  });

  it("vertex-embed through predict, one input per call as the codec says", async () => {
    expect(vertexEmbedCodec.maxInputsPerRequest).toBe(1);
    const result = await embed(
      createTransport(vertexProvider(vertex)),
      vertexEmbedCodec,
      { ...input, input: ["alpha"] },
      "gemini-embedding-001",
    );
    expect(result.vectors).toHaveLength(1);
    expect(result.vectors[0]).toHaveLength(32);
    expect(result.inputTokens).toBeGreaterThan(0);
  });
});

// The SSE parser is the shared one; this pins that the codec names it.
it("the gemini codec frames its streams with the shared SseParser", () => {
  expect(geminiCodec.createFrameParser()).toBeInstanceOf(SseParser);
});
