import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import OpenAI from "openai";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { resolveConfig } from "../../src/config/load.js";
import { startGateway, type RunningGateway } from "../../src/http/server.js";

/**
 * A hand-held upstream: it answers only when the test says so, and reports when the gateway
 * hangs up on it. That makes aborts and shutdown observable without timing assertions.
 */
interface Held {
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
}

class HeldUpstream {
  readonly server: Server;
  readonly #waiters: ((held: Held) => void)[] = [];

  constructor() {
    this.server = createServer((request, response) => {
      this.#waiters.shift()?.({ request, response });
    });
  }

  async listen(): Promise<string> {
    this.server.listen(0, "127.0.0.1");
    await once(this.server, "listening");
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
  }

  next(): Promise<Held> {
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  close(): void {
    this.server.closeAllConnections();
    this.server.close();
  }
}

const key = "sk-lifecycle-test";
let gateway: RunningGateway | undefined;
let upstream: HeldUpstream | undefined;
afterEach(async () => {
  await gateway?.close(100);
  upstream?.close();
});

async function setUp(): Promise<{ client: OpenAI; upstream: HeldUpstream; gateway: RunningGateway }> {
  upstream = new HeldUpstream();
  const baseUrl = await upstream.listen();
  const config = resolveConfig(
    {
      server: { port: 0, log_level: "silent", shutdown_grace_ms: 5_000 },
      keys: [{ name: "test", key }],
      providers: { held: { kind: "openai-compatible", base_url: baseUrl } },
      models: { "held-model": { vendor: "test", capabilities: ["chat"] } },
      offerings: [{ model: "held-model", provider: "held" }],
    },
    "test",
    {},
  );
  gateway = await startGateway(config, pino({ level: "silent" }));
  const client = new OpenAI({ apiKey: key, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
  return { client, upstream, gateway };
}

const chunk = (delta: Record<string, unknown>, finish: string | null = null): string =>
  `data: ${JSON.stringify({ id: "c1", object: "chat.completion.chunk", created: 1, model: "held", choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;

describe("a client that disconnects", () => {
  it("aborts the upstream request", async () => {
    const { client, upstream } = await setUp();
    const controller = new AbortController();
    const arrived = upstream.next();
    const pending = client.chat.completions
      .create(
        { model: "held-model", messages: [{ role: "user", content: "hi" }] },
        { signal: controller.signal },
      )
      .catch((error: unknown) => error);
    const { response } = await arrived;
    const upstreamClosed = once(response, "close");
    controller.abort();
    expect(await pending).toBeInstanceOf(OpenAI.APIUserAbortError);
    await upstreamClosed; // the gateway hung up on the upstream: no orphaned request
  });

  it("aborts an upstream stream midway", async () => {
    const { client, upstream } = await setUp();
    const controller = new AbortController();
    const arrived = upstream.next();
    const streamPromise = client.chat.completions.create(
      { model: "held-model", messages: [{ role: "user", content: "hi" }], stream: true },
      { signal: controller.signal },
    );
    const { response } = await arrived;
    // Answer with the start of a stream, then hold it open.
    response.writeHead(200, { "content-type": "text/event-stream" });
    response.write(chunk({ role: "assistant", content: "" }) + chunk({ content: "Hel" }));
    const stream = await streamPromise;
    const iterator = stream[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.done).toBe(false);
    const upstreamClosed = once(response, "close");
    controller.abort();
    await upstreamClosed;
  });
});

describe("graceful shutdown", () => {
  it("keeps answering health checks with 503, refuses new work with Connection: close, lets an in-flight stream finish", async () => {
    const { client, upstream, gateway: running } = await setUp();
    const arrived = upstream.next();
    const streamPromise = client.chat.completions.create({
      model: "held-model",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
    });
    const { response } = await arrived;
    response.writeHead(200, { "content-type": "text/event-stream" });
    response.write(chunk({ role: "assistant", content: "" }) + chunk({ content: "Hello" }));
    const stream = await streamPromise;
    const closing = running.close(10_000);

    // Issue 10, defect 7: the listener stays while work drains; readiness fails, new work is told why.
    const ready = await fetch(`${running.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(ready.headers.get("connection")).toBe("close");
    expect(await ready.json()).toEqual({ status: "shutting_down" });
    const refused = await fetch(`${running.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "held-model", messages: [{ role: "user", content: "hi" }] }),
    });
    expect(refused.status).toBe(503);
    expect(refused.headers.get("connection")).toBe("close");
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("shutting_down");

    response.end(chunk({ content: " world" }) + chunk({}, "stop") + "data: [DONE]\n\n");
    let text = "";
    for await (const part of stream) text += part.choices[0]?.delta.content ?? "";
    expect(text).toBe("Hello world");
    await closing;
    await expect(fetch(`${running.url}/healthz`)).rejects.toThrow();
  });

  it("ends a stream still running at the end of the grace with an in-stream error, not a cut socket (issue 10, defect 7)", async () => {
    const { client, upstream, gateway: running } = await setUp();
    const arrived = upstream.next();
    const streamPromise = client.chat.completions.create({
      model: "held-model",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
    });
    const { response } = await arrived;
    response.writeHead(200, { "content-type": "text/event-stream" });
    response.write(chunk({ role: "assistant", content: "" }) + chunk({ content: "Hello" }));
    const stream = await streamPromise;
    const closing = running.close(300);

    // The upstream never finishes: the grace runs out with the stream open.
    let text = "";
    const failure = await (async () => {
      for await (const part of stream) text += part.choices[0]?.delta.content ?? "";
    })().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(text).toBe("Hello");
    // Before the fix the socket was cut and the SDK raised `TypeError: terminated`.
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    expect((failure as InstanceType<typeof OpenAI.APIError>).code).toBe("shutting_down");
    await closing;
  });
});
