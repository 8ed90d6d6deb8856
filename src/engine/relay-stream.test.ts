import { describe, expect, it } from "vitest";
import { openaiChatCodec } from "../codecs/openai-chat/index.js";
import { resolveConfig } from "../config/load.js";
import type { StreamPart } from "../core/stream-part.js";
import type { GatewayError } from "../errors/gateway-error.js";
import { noHealth } from "../health/health-view.js";
import { PlanningService } from "../routing/planning-service.js";
import { Cancellation } from "./cancellation.js";
import type { ChatStreamSink, Route } from "./executor.js";
import { relayStream } from "./relay-stream.js";
import type { BodyReceiver, StreamingAnswer } from "./upstream-exchange.js";

/** A streamed answer the test feeds by hand, recording pauses, resumes and aborts. */
class FakeAnswer implements StreamingAnswer {
  readonly statusCode = 200;
  receiver: BodyReceiver | undefined;
  resumed = 0;
  aborted = false;
  headers = () => ({});
  receive(receiver: BodyReceiver): void {
    this.receiver = receiver;
  }
  resume(): void {
    this.resumed += 1;
  }
  abort(): void {
    this.aborted = true;
  }
  text(): Promise<string> {
    return Promise.resolve("");
  }
  /** Sends SSE events; returns what the relay answered (false: pause). */
  send(...events: string[]): boolean {
    if (this.receiver === undefined) throw new Error("the relay is not receiving");
    return this.receiver.data(Buffer.from(events.map((data) => `data: ${data}\n\n`).join("")));
  }
}

class FakeSink implements ChatStreamSink {
  readonly parts: StreamPart[] = [];
  opened = 0;
  flushes = 0;
  ended: { error: GatewayError | undefined } | undefined;
  full = false;
  #drained: (() => void) | undefined;
  open(): void {
    this.opened += 1;
  }
  write(part: StreamPart): void {
    this.parts.push(part);
  }
  flush(): boolean {
    this.flushes += 1;
    return !this.full;
  }
  drain(): Promise<void> {
    return new Promise((resolve) => (this.#drained = resolve));
  }
  emptied(): void {
    this.full = false;
    this.#drained?.();
  }
  end(error?: GatewayError): void {
    this.ended = { error };
  }
}

const route: Route = (() => {
  const config = resolveConfig(
    {
      keys: [{ name: "k", key: "sk-relay-test" }],
      providers: { p: { kind: "openai-compatible", base_url: "http://127.0.0.1:1/v1" } },
      models: { m: { vendor: "v", capabilities: ["chat"] } },
      offerings: [{ model: "m", provider: "p" }],
    },
    "test",
    {},
  );
  const features = {
    model: "m",
    capabilities: [],
    stream: true,
    promptTokens: undefined,
    maxOutputTokens: undefined,
  };
  const candidate = new PlanningService(config, noHealth).plan("default", features, {}).candidates[0];
  if (candidate === undefined) throw new Error("no candidate");
  return { candidate, warnings: [] };
})();

const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
  JSON.stringify({
    id: "c",
    object: "chat.completion.chunk",
    created: 1,
    model: "m",
    choices: [{ index: 0, delta, finish_reason: finish }],
  });

function start() {
  const answer = new FakeAnswer();
  const sink = new FakeSink();
  const records: (string | undefined)[] = [];
  const outcome = relayStream({
    answer,
    codec: openaiChatCodec,
    sink,
    route,
    cancellation: new Cancellation(),
    record: (code) => records.push(code),
  });
  return { answer, sink, records, outcome };
}

describe("relayStream", () => {
  it("holds everything back until the first content, then relays and completes", async () => {
    const { answer, sink, records, outcome } = start();
    answer.send(chunk({ role: "assistant", content: "" }));
    expect(sink.opened).toBe(0);
    answer.send(chunk({ content: "Hi" }), chunk({}, "stop"), "[DONE]");
    answer.receiver?.end();
    const result = await outcome;
    expect(sink.opened).toBe(1);
    expect(sink.parts.map((part) => part.type)).toEqual(["response-metadata", "text-delta", "finish"]);
    expect(sink.ended).toEqual({ error: undefined });
    expect(result.failedAfterOpen).toBeUndefined();
    expect(records).toEqual([undefined]);
  });

  it("rejects (so the executor fails over) when the stream errs before any content", async () => {
    const { answer, sink, outcome } = start();
    answer.send(
      chunk({ role: "assistant", content: "" }),
      JSON.stringify({ error: { message: "overloaded" } }),
    );
    await expect(outcome).rejects.toMatchObject({ code: "upstream_stream_error" });
    expect(sink.opened).toBe(0);
    expect(answer.aborted).toBe(true);
  });

  it("rejects a stream that ends before it finished, if nothing reached the client", async () => {
    const { answer, outcome } = start();
    answer.send(chunk({ role: "assistant", content: "" }));
    answer.receiver?.end();
    await expect(outcome).rejects.toMatchObject({ code: "upstream_stream_truncated" });
  });

  it("ends the client's stream with the error once content has been sent", async () => {
    const { answer, sink, records, outcome } = start();
    answer.send(chunk({ content: "Hel" }));
    answer.receiver?.error(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }));
    const result = await outcome;
    expect(result.failedAfterOpen?.code).toBe("upstream_connection_failed");
    expect(sink.ended?.error?.code).toBe("upstream_connection_failed");
    expect(records).toEqual(["upstream_connection_failed"]);
  });

  it("pauses the upstream while the client's socket is full and resumes when it drains", async () => {
    const { answer, sink, outcome } = start();
    expect(answer.send(chunk({ content: "a" }))).toBe(true);
    sink.full = true;
    expect(answer.send(chunk({ content: "b" }))).toBe(false);
    expect(answer.resumed).toBe(0);
    sink.emptied();
    await new Promise((resolve) => setImmediate(resolve));
    expect(answer.resumed).toBe(1);
    answer.send(chunk({}, "stop"), "[DONE]");
    answer.receiver?.end();
    await outcome;
    expect(sink.parts.filter((part) => part.type === "text-delta")).toHaveLength(2);
  });
});
