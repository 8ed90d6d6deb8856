import Anthropic from "@anthropic-ai/sdk";
import { EventStreamCodec, type MessageHeaders } from "@smithy/eventstream-codec";
import { fromUtf8, toUtf8 } from "@smithy/util-utf8";
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import OpenAI from "openai";
import { pino } from "pino";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { resolveConfig } from "../../src/config/load.js";
import { startAnthropicEmulator, type RunningEmulator } from "../../src/emulators/index.js";
import { startGateway, type RunningGateway } from "../../src/http/server.js";

/**
 * Upstreams that break the wire format itself: a corrupted AWS event-stream frame, invalid JSON in an
 * SSE event, an HTML error page, an unknown event type, a stream cut after its first byte. The broken
 * cloud is a bare node:http server answering exactly the bytes each drill needs; a healthy Anthropic
 * emulator stands behind it. The gateway must fail over while no byte reached the client, and
 * otherwise end the client's stream with an error event in the client's own format; never crash or hang.
 */
type Behaviour = (response: ServerResponse) => void;
let behaviour: Behaviour = () => {};
let broken: Server;
let healthy: RunningEmulator;
let gateway: RunningGateway;
let anthropic: Anthropic;
let openai: OpenAI;
const key = "sk-broken-upstreams";

const codec = new EventStreamCodec(toUtf8, fromUtf8);
function awsEvent(type: string, payload: unknown): Buffer {
  const headers: MessageHeaders = {
    ":event-type": { type: "string", value: type },
    ":content-type": { type: "string", value: "application/json" },
    ":message-type": { type: "string", value: "event" },
  };
  return Buffer.from(codec.encode({ headers, body: fromUtf8(JSON.stringify(payload)) }));
}
const sse = (event: string, data: unknown) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
const messageStart = sse("message_start", {
  type: "message_start",
  message: {
    id: "msg_broken",
    type: "message",
    role: "assistant",
    model: "claude-x",
    content: [],
    usage: { input_tokens: 3, output_tokens: 1 },
  },
});

beforeAll(async () => {
  broken = createServer((request, response) => {
    request.resume();
    request.on("end", () => behaviour(response));
  });
  await new Promise<void>((resolve) => broken.listen(0, "127.0.0.1", resolve));
  const brokenUrl = `http://127.0.0.1:${(broken.address() as AddressInfo).port}`;
  healthy = await startAnthropicEmulator({ apiKey: "sk-healthy-anthropic" });
  const config = resolveConfig(
    {
      server: { port: 0, log_level: "silent" },
      keys: [{ name: "k", key }],
      tenants: { default: { policy: { retries: { attempts_per_offering: 1 } } } },
      providers: {
        "broken-bedrock": {
          kind: "bedrock",
          region: "us-east-1",
          endpoint: brokenUrl,
          access_key_id: "AKIABROKEN0000000000",
          secret_access_key: "broken",
        },
        "broken-anthropic": { kind: "anthropic", base_url: brokenUrl, api_key: "broken" },
        healthy: { kind: "anthropic", base_url: healthy.url, api_key: "sk-healthy-anthropic" },
      },
      models: {
        "claude-via-bedrock": { vendor: "anthropic", capabilities: ["chat"] },
        "claude-via-anthropic": { vendor: "anthropic", capabilities: ["chat"] },
      },
      offerings: [
        { model: "claude-via-bedrock", provider: "broken-bedrock", native_model: "anthropic.claude-x" },
        { model: "claude-via-bedrock", provider: "healthy", native_model: "claude-x" },
        { model: "claude-via-anthropic", provider: "broken-anthropic", native_model: "claude-x" },
        { model: "claude-via-anthropic", provider: "healthy", native_model: "claude-x" },
      ],
    },
    "test",
    {},
  );
  gateway = await startGateway(config, pino({ level: "silent" }));
  anthropic = new Anthropic({ apiKey: key, baseURL: gateway.url, maxRetries: 0 });
  openai = new OpenAI({ apiKey: key, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
});
afterAll(async () => {
  await gateway.close(1_000);
  await healthy.close();
  broken.closeAllConnections();
  await new Promise((resolve) => broken.close(resolve));
});
beforeEach(() => {
  gateway.services.health.clear();
});

const ask = (model: string) => ({
  model,
  max_tokens: 100,
  messages: [{ role: "user" as const, content: "Hello" }],
});

describe("before the first byte reaches the client: fail over", () => {
  it("a Bedrock event-stream frame whose CRC does not match", async () => {
    behaviour = (response) => {
      const frame = awsEvent("messageStart", { role: "assistant" });
      const at = frame.length - 6; // a payload byte: the message CRC no longer matches
      frame.writeUInt8(frame.readUInt8(at) ^ 0xff, at);
      response.writeHead(200, { "content-type": "application/vnd.amazon.eventstream" });
      response.end(frame);
    };
    const stream = anthropic.messages.stream(ask("claude-via-bedrock"));
    const message = await stream.finalMessage();
    expect(message.content[0]?.type).toBe("text");
  });

  it("an HTML error page instead of JSON", async () => {
    behaviour = (response) => {
      response.writeHead(502, { "content-type": "text/html" });
      response.end("<html><body><h1>502 Bad Gateway</h1></body></html>");
    };
    const { data, response } = await anthropic.messages.create(ask("claude-via-anthropic")).withResponse();
    expect(response.headers.get("x-switchyard-provider")).toBe("healthy");
    expect(response.headers.get("x-switchyard-attempts")).toBe("2");
    expect(data.content[0]?.type).toBe("text");
  });

  it("invalid JSON in an SSE event", async () => {
    behaviour = (response) => {
      response.writeHead(200, { "content-type": "text/event-stream" });
      response.end(`${messageStart}event: content_block_start\ndata: {"type":"content_block_start",\n\n`);
    };
    const { data: stream, response } = await openai.chat.completions
      .create({ model: "claude-via-anthropic", messages: [{ role: "user", content: "Hello" }], stream: true })
      .withResponse();
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    expect(text.length).toBeGreaterThan(0);
    expect(response.headers.get("x-switchyard-provider")).toBe("healthy");
  });

  it("a 200 with a truncated body and no content", async () => {
    behaviour = (response) => {
      response.writeHead(200, { "content-type": "text/event-stream" });
      response.end(messageStart);
    };
    const message = await anthropic.messages.stream(ask("claude-via-anthropic")).finalMessage();
    expect(message.content[0]?.type).toBe("text");
  });
});

describe("after the first byte: the client's stream ends with an error in its own format", () => {
  it("Anthropic client: an `error` event, raised by the SDK after the text so far", async () => {
    behaviour = (response) => {
      response.writeHead(200, { "content-type": "text/event-stream" });
      response.write(
        messageStart +
          sse("content_block_start", {
            type: "content_block_start",
            index: 0,
            content_block: { type: "text", text: "" },
          }) +
          sse("content_block_delta", {
            type: "content_block_delta",
            index: 0,
            delta: { type: "text_delta", text: "Half an ans" },
          }),
      );
      setImmediate(() => response.destroy());
    };
    const stream = anthropic.messages.stream(ask("claude-via-anthropic"));
    let text = "";
    stream.on("text", (delta) => (text += delta));
    const error = await stream.finalMessage().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect(text).toBe("Half an ans");
  });
});

describe("tolerated", () => {
  it("an unknown event type is skipped, not an error", async () => {
    behaviour = (response) => {
      response.writeHead(200, { "content-type": "text/event-stream" });
      response.end(
        messageStart +
          sse("brand_new_event", { type: "brand_new_event", detail: 1 }) +
          sse("content_block_start", {
            type: "content_block_start",
            index: 0,
            content_block: { type: "text", text: "" },
          }) +
          sse("content_block_delta", {
            type: "content_block_delta",
            index: 0,
            delta: { type: "text_delta", text: "Whole." },
          }) +
          sse("content_block_stop", { type: "content_block_stop", index: 0 }) +
          sse("message_delta", {
            type: "message_delta",
            delta: { stop_reason: "end_turn", stop_sequence: null },
            usage: { output_tokens: 2 },
          }) +
          sse("message_stop", { type: "message_stop" }),
      );
    };
    const message = await anthropic.messages.stream(ask("claude-via-anthropic")).finalMessage();
    expect(message.content).toEqual([{ type: "text", text: "Whole." }]);
    expect(message.stop_reason).toBe("end_turn");
  });
});
