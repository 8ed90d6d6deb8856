import { once } from "node:events";
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import OpenAI from "openai";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveConfig } from "../../src/config/load.js";
import { startGateway, type RunningGateway } from "../../src/http/server.js";

/**
 * Issue 10, defect 9: a misbehaving upstream that sends an endless answer (a whole body, or one SSE
 * line that never ends) used to grow the gateway's buffers without limit. It now fails the attempt
 * with `upstream_response_too_large`, and the next offering serves the request.
 */
const key = "sk-test-oversized-upstream";
const servers: Server[] = [];
let gateway: RunningGateway;

async function serve(handler: (stream: boolean, response: ServerResponse) => void): Promise<string> {
  const server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    request.on("end", () => handler((JSON.parse(body) as { stream?: boolean }).stream === true, response));
    response.on("error", () => {});
  });
  servers.push(server);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
}

/** Writes `piece` until the gateway hangs up. */
function endless(response: ServerResponse, piece: string): void {
  const write = (): void => {
    while (!response.destroyed) if (!response.write(piece)) return void response.once("drain", write);
  };
  write();
}

const completion = (text: string): string =>
  JSON.stringify({
    id: "c1",
    object: "chat.completion",
    created: 1,
    model: "good",
    choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: "stop" }],
    usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
  });
const chunk = (delta: Record<string, unknown>, finish: string | null = null): string =>
  `data: ${JSON.stringify({ id: "c1", object: "chat.completion.chunk", created: 1, model: "good", choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;

beforeAll(async () => {
  const huge = await serve((stream, response) => {
    if (stream) {
      response.writeHead(200, { "content-type": "text/event-stream" });
      response.write("data: {");
      endless(response, "x".repeat(64 * 1024));
    } else {
      response.writeHead(200, { "content-type": "application/json" });
      endless(response, " ".repeat(64 * 1024));
    }
  });
  const good = await serve((stream, response) => {
    if (!stream) {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(completion("fine"));
      return;
    }
    response.writeHead(200, { "content-type": "text/event-stream" });
    response.end(chunk({ role: "assistant", content: "fine" }) + chunk({}, "stop") + "data: [DONE]\n\n");
  });
  const config = resolveConfig(
    {
      server: { port: 0, log_level: "silent" },
      upstream: { max_response_bytes: 1024 * 1024, max_event_bytes: 256 * 1024 },
      keys: [{ name: "test", key }],
      providers: {
        huge: { kind: "openai-compatible", base_url: huge },
        good: { kind: "openai-compatible", base_url: good },
      },
      models: { model: { vendor: "test", capabilities: ["chat"] } },
      offerings: [
        { model: "model", provider: "huge" },
        { model: "model", provider: "good" },
      ],
      tenants: { default: { policy: { strategy: "preferred", order: ["huge", "good"] } } },
    },
    "test",
    {},
  );
  gateway = await startGateway(config, pino({ level: "silent" }));
});
afterAll(async () => {
  await gateway.close(100);
  for (const server of servers) {
    server.closeAllConnections();
    server.close();
  }
});

const client = (): OpenAI => new OpenAI({ apiKey: key, baseURL: `${gateway.url}/v1`, maxRetries: 0 });

describe("an upstream whose answer never ends (issue 10, defect 9)", () => {
  it("a buffered answer over max_response_bytes fails over to the next offering", async () => {
    const { data, response } = await client()
      .chat.completions.create({ model: "model", messages: [{ role: "user", content: "hi" }] })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe("fine");
    expect(response.headers.get("x-switchyard-provider")).toBe("good");
    expect(response.headers.get("x-switchyard-attempts")).toBe("2");
  });

  it("a stream event over max_event_bytes fails over to the next offering before the first byte", async () => {
    const stream = await client().chat.completions.create({
      model: "model",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
    });
    let text = "";
    for await (const part of stream) text += part.choices[0]?.delta.content ?? "";
    expect(text).toBe("fine");
  });
});
