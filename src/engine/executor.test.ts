import { errors } from "undici";
import { afterAll, describe, expect, it } from "vitest";
import type { ChatCodec } from "../codecs/codec.js";
import { chatCodecs, embeddingsCodecs } from "../codecs/registry.js";
import { resolveConfig } from "../config/load.js";
import type { HealthConfig, PolicyConfig, RetryPolicy } from "../config/types.js";
import type { Dialect } from "../core/chat-request.js";
import type { StreamPart } from "../core/stream-part.js";
import { GatewayError } from "../errors/gateway-error.js";
import { HealthTracker } from "../health/tracker.js";
import { parseChatRequest } from "../ingress/openai/parse-chat-request.js";
import type { Plan } from "../routing/plan.js";
import { createTransport, type Transport } from "../transports/index.js";
import { Cancellation } from "./cancellation.js";
import {
  Executor,
  type AttemptRecord,
  type ChatStreamSink,
  type Route,
  type StreamOutcome,
  type UpstreamExchange,
} from "./executor.js";
import type { BodyReceiver, BufferedAnswer, ExchangeRequest, StreamingAnswer } from "./upstream-exchange.js";
import { UpstreamPools } from "./upstream-pools.js";

/**
 * The executor on a fake clock: `now`, `clock`, `sleep`, `setTimer` and `random` are injected, and the
 * upstream is a scripted exchange whose answers arrive at fake instants. Everything between (retries,
 * backoff, Retry-After, breakers, deadlines, failover, the stream relay and the real codec and transport)
 * is production code. No test waits on real time.
 */

/** A clock whose time moves only when a test (or the executor's `sleep`) moves it. */
class FakeClock {
  now = 1_000_000;
  readonly sleeps: number[] = [];
  #timers: { at: number; seq: number; fire: () => void; live: boolean }[] = [];
  #seq = 0;

  setTimer = (ms: number, fire: () => void): (() => void) => {
    const timer = { at: this.now + ms, seq: this.#seq++, fire, live: true };
    this.#timers.push(timer);
    return () => {
      timer.live = false;
    };
  };

  sleep = (ms: number): Promise<void> => {
    this.sleeps.push(ms);
    this.now += ms;
    return Promise.resolve();
  };

  /** Moves time forward, firing each timer due on the way at its own instant, with the event loop let run between. */
  async advance(ms: number): Promise<void> {
    const target = this.now + ms;
    for (;;) {
      await settle();
      const due = this.#timers
        .filter((timer) => timer.live && timer.at <= target)
        .sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (due === undefined) break;
      due.live = false;
      this.now = due.at;
      due.fire();
    }
    this.now = target;
    await settle();
  }
}

/** Lets promise chains and I/O callbacks already queued run (no timers, no real waiting). */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}

const chunk = (delta: Record<string, unknown>, finish: string | null = null): string =>
  JSON.stringify({
    id: "c",
    object: "chat.completion.chunk",
    created: 1,
    model: "m",
    choices: [{ index: 0, delta, finish_reason: finish }],
  });
const completion = (content: string): string =>
  JSON.stringify({
    id: "r",
    object: "chat.completion",
    created: 1,
    model: "m",
    choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }],
    usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
  });

/** What one upstream call does, on the fake clock. */
type Step =
  | { readonly status: number; readonly body?: string; readonly headers?: Record<string, string> }
  | { readonly reset: true }
  /** Headers after `headersAfterMs`; undici's headers timeout applies. */
  | { readonly headersAfterMs: number }
  /** A 200 stream: each event at its offset (ms from the request); then the end, or a reset. */
  | {
      readonly events: readonly { readonly afterMs: number; readonly data: string }[];
      readonly endAfterMs?: number;
      readonly resetAfterMs?: number;
    };

const ok = (content = "Hi"): Step => ({ status: 200, body: completion(content) });
const stream = (content: string, firstAfterMs = 10, gapMs = 10): Step => ({
  events: [
    { afterMs: 0, data: chunk({ role: "assistant", content: "" }) },
    { afterMs: firstAfterMs, data: chunk({ content }) },
    { afterMs: firstAfterMs + gapMs, data: chunk({}, "stop") },
    { afterMs: firstAfterMs + gapMs, data: "[DONE]" },
  ],
  endAfterMs: firstAfterMs + gapMs,
});

/** A streamed answer fed on the fake clock, as undici's handler would feed it. */
class ScriptedAnswer implements StreamingAnswer {
  readonly statusCode = 200;
  aborted = false;
  readonly headers = () => ({});
  #receiver: BodyReceiver | undefined;
  #queued: (() => void)[] = [];
  readonly #cancels: (() => void)[] = [];

  constructor(clock: FakeClock, step: Extract<Step, { events: unknown }>) {
    const at = (ms: number, act: (receiver: BodyReceiver) => void): void => {
      this.#cancels.push(
        clock.setTimer(ms, () => {
          const run = (): void => {
            if (!this.aborted && this.#receiver !== undefined) act(this.#receiver);
          };
          if (this.#receiver === undefined) this.#queued.push(run);
          else run();
        }),
      );
    };
    for (const event of step.events)
      at(event.afterMs, (receiver) => receiver.data(Buffer.from(`data: ${event.data}\n\n`)));
    if (step.resetAfterMs !== undefined)
      at(step.resetAfterMs, (receiver) =>
        receiver.error(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" })),
      );
    else if (step.endAfterMs !== undefined) at(step.endAfterMs, (receiver) => receiver.end());
  }

  receive(receiver: BodyReceiver): void {
    this.#receiver = receiver;
    for (const run of this.#queued.splice(0)) run();
  }
  resume(): void {}
  abort(): void {
    this.aborted = true;
    for (const cancel of this.#cancels) cancel();
  }
  text(): Promise<string> {
    return Promise.resolve("");
  }
}

/** The upstream: one script per provider (named by its base path), one step per call; records each call. */
class ScriptedUpstream implements UpstreamExchange {
  readonly calls: { provider: string; request: ExchangeRequest }[] = [];
  readonly answers: ScriptedAnswer[] = [];
  readonly #scripts = new Map<string, Step[]>();
  readonly #clock: FakeClock;

  constructor(clock: FakeClock) {
    this.#clock = clock;
  }

  script(provider: string, ...steps: Step[]): void {
    this.#scripts.set(provider, steps);
  }

  callsTo(provider: string): number {
    return this.calls.filter((call) => call.provider === provider).length;
  }

  buffered = (_: unknown, request: ExchangeRequest): Promise<BufferedAnswer> =>
    this.#call(request, (step) => {
      if (!("status" in step)) throw new Error("a buffered call got a stream step");
      return this.#answer(step);
    });

  streaming = (_: unknown, request: ExchangeRequest): Promise<StreamingAnswer> =>
    this.#call(request, (step) => {
      if ("status" in step) {
        const answer = this.#answer(step);
        return {
          ...answer,
          receive: (receiver: BodyReceiver) => receiver.end(),
          resume: () => {},
          abort: () => {},
          text: () => Promise.resolve(answer.body.toString("utf8")),
        };
      }
      if (!("events" in step)) throw new Error("unexpected step");
      const answer = new ScriptedAnswer(this.#clock, step);
      this.answers.push(answer);
      return answer;
    });

  #call<T>(request: ExchangeRequest, answer: (step: Step) => T): Promise<T> {
    const provider = request.path.split("/")[1] ?? "";
    this.calls.push({ provider, request });
    const step = this.#scripts.get(provider)?.shift() ?? { status: 200, body: completion("default") };
    if ("reset" in step)
      return Promise.reject(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }));
    if ("headersAfterMs" in step) {
      // What undici does: the headers timeout counts from the request, on its own timer.
      return new Promise((_, reject) => {
        if (step.headersAfterMs > request.headersTimeout)
          this.#clock.setTimer(request.headersTimeout, () => reject(new errors.HeadersTimeoutError()));
      });
    }
    return Promise.resolve(answer(step));
  }

  #answer(step: Extract<Step, { status: number }>): BufferedAnswer {
    return {
      statusCode: step.status,
      headers: () => ({ "content-type": "application/json", ...step.headers }),
      body: Buffer.from(step.body ?? JSON.stringify({ error: { message: `status ${step.status}` } })),
    };
  }
}

class RecordingSink implements ChatStreamSink {
  readonly parts: StreamPart[] = [];
  route: Route | undefined;
  ended: { error: GatewayError | undefined } | undefined;
  open(route: Route): void {
    this.route = route;
  }
  write(part: StreamPart): void {
    this.parts.push(part);
  }
  flush(): boolean {
    return true;
  }
  drain(): Promise<void> {
    return Promise.resolve();
  }
  end(error?: GatewayError): void {
    this.ended = { error };
  }
  text(): string {
    return this.parts.map((part) => (part.type === "text-delta" ? part.delta : "")).join("");
  }
}

const config = resolveConfig(
  {
    keys: [{ name: "k", key: "sk-executor-test" }],
    providers: Object.fromEntries(
      ["a", "b", "c"].map((name) => [
        name,
        { kind: "openai-compatible", base_url: `http://127.0.0.1:9/${name}/v1` },
      ]),
    ),
    models: { m: { vendor: "v", capabilities: ["chat"] } },
    offerings: ["a", "b", "c"].map((provider) => ({ model: "m", provider, native_model: `m-${provider}` })),
  },
  "test",
  {},
);
const healthConfig: HealthConfig = {
  ewmaAlpha: 0.5,
  windowMs: 60_000,
  consecutiveFailures: 3,
  errorRate: 0.5,
  minRequests: 100,
  openMs: 1_500,
};
const retries: RetryPolicy = {
  attemptsPerOffering: 1,
  backoffBaseMs: 100,
  backoffMaxMs: 1_000,
  retryAfterCapMs: 5_000,
};
const pools = new UpstreamPools({ connectTimeoutMs: 1_000, connections: 1 });
afterAll(() => pools.close());

function planOf(
  providers: readonly string[],
  policy: {
    retries?: Partial<RetryPolicy>;
    timeouts?: Partial<PolicyConfig["timeouts"]>;
  } = {},
): Plan {
  return {
    model: "m",
    strategy: "preferred",
    at: 0,
    candidates: providers.map((id) => {
      const offering = config.offerings.find((each) => each.provider === id);
      const provider = config.providers.get(id);
      if (offering === undefined || provider === undefined) throw new Error(`no offering on ${id}`);
      return { offering, provider, reason: "test order", expectedCostUsd: undefined };
    }),
    excluded: [],
    policy: {
      retries: { ...retries, ...policy.retries },
      timeouts: {
        connectMs: undefined,
        firstTokenMs: undefined,
        totalMs: undefined,
        ...policy.timeouts,
      },
    },
  };
}

function setup(options: { random?: number; chatCodecs?: ReadonlyMap<Dialect, ChatCodec<unknown>> } = {}) {
  const clock = new FakeClock();
  const upstream = new ScriptedUpstream(clock);
  const health = new HealthTracker(healthConfig);
  const transports = new Map<string, Transport>();
  for (const provider of config.providers.values()) transports.set(provider.id, createTransport(provider));
  const executor = new Executor({
    pools,
    transports,
    chatCodecs: options.chatCodecs ?? chatCodecs,
    embeddingsCodecs,
    firstByteTimeoutMs: 60_000,
    idleTimeoutMs: 60_000,
    health,
    now: () => clock.now,
    clock: () => clock.now,
    sleep: clock.sleep,
    setTimer: clock.setTimer,
    random: () => options.random ?? 0.5,
    exchange: upstream,
  });
  const chat = (plan: Plan) => {
    const attempts: AttemptRecord[] = [];
    const request = parseChatRequest({ model: "m", messages: [{ role: "user", content: "Hello" }] });
    const result = executor.chat(request, plan, new Cancellation(), attempts);
    return { attempts, result };
  };
  /** Starts a stream; the test moves the clock, then awaits `outcome`. */
  const chatStream = (plan: Plan) => {
    const attempts: AttemptRecord[] = [];
    const sink = new RecordingSink();
    const request = parseChatRequest({
      model: "m",
      stream: true,
      messages: [{ role: "user", content: "Hello" }],
    });
    const outcome: Promise<StreamOutcome> = executor.chatStream(
      request,
      plan,
      new Cancellation(),
      attempts,
      sink,
    );
    // Keeps a rejection the test awaits later from counting as unhandled meanwhile.
    outcome.catch(() => {});
    return { attempts, sink, outcome };
  };
  return { clock, upstream, health, chat, chatStream };
}

const codes = (attempts: readonly AttemptRecord[]) =>
  attempts.map((attempt) => [attempt.provider, attempt.code]);

describe("Executor: retries and backoff", () => {
  it("retries a 503 in place after a full-jitter backoff drawn from the injected random, then moves on", async () => {
    const { chat, upstream, clock } = setup({ random: 0.5 });
    upstream.script("a", { status: 503 }, { status: 503 }, { status: 503 });
    upstream.script("b", ok("from b"));
    const { result, attempts } = chat(planOf(["a", "b"], { retries: { attemptsPerOffering: 3 } }));
    const { result: answer, route } = await result;
    // Ceilings 100 and 200 ms (base × 2^(try-1)), each drawn at 0.5.
    expect(clock.sleeps).toEqual([50, 100]);
    expect(codes(attempts)).toEqual([
      ["a", "upstream_unavailable"],
      ["a", "upstream_unavailable"],
      ["a", "upstream_unavailable"],
      ["b", undefined],
    ]);
    expect(route.candidate.provider.id).toBe("b");
    expect(answer.text).toBe("from b");
  });

  it("caps the backoff ceiling at backoff_max_ms", async () => {
    const { chat, upstream, clock } = setup({ random: 0.999 });
    // Two failures, not three: the breaker (three in a row) would open and end the retries.
    upstream.script("a", { status: 500 }, { status: 500 }, ok());
    const { result } = chat(
      planOf(["a"], { retries: { attemptsPerOffering: 3, backoffBaseMs: 100, backoffMaxMs: 150 } }),
    );
    await result;
    // Ceilings 100, then min(150, 200): drawn at 0.999 and rounded.
    expect(clock.sleeps).toEqual([100, 150]);
  });

  it("a connection reset is retried like a 5xx", async () => {
    const { chat, upstream } = setup();
    upstream.script("a", { reset: true }, ok());
    const { result, attempts } = chat(planOf(["a"], { retries: { attemptsPerOffering: 2 } }));
    await result;
    expect(codes(attempts)).toEqual([
      ["a", "upstream_connection_failed"],
      ["a", undefined],
    ]);
  });

  it("the client's own 400 is returned at once and tried nowhere else", async () => {
    const { chat, upstream, clock } = setup();
    upstream.script("a", { status: 400, body: JSON.stringify({ error: { message: "bad", type: "x" } }) });
    const { result } = chat(planOf(["a", "b"], { retries: { attemptsPerOffering: 3 } }));
    await expect(result).rejects.toMatchObject({ code: "upstream_invalid_request" });
    expect(upstream.callsTo("b")).toBe(0);
    expect(clock.sleeps).toEqual([]);
  });

  it("does not sleep past the total deadline: it moves on instead", async () => {
    const { chat, upstream, clock } = setup({ random: 0.999 });
    upstream.script("a", { status: 503 }, ok());
    const { result, attempts } = chat(
      planOf(["a", "b"], {
        retries: { attemptsPerOffering: 2, backoffBaseMs: 1_000 },
        timeouts: { totalMs: 500 },
      }),
    );
    await result;
    expect(clock.sleeps).toEqual([]);
    expect(codes(attempts).at(-1)).toEqual(["b", undefined]);
  });
});

describe("Executor: Retry-After", () => {
  const throttled: Step = { status: 429, headers: { "retry-after": "2" } };

  it("does not wait on a candidate that has a next one: it moves on, and the circuit stays open that long", async () => {
    const { chat, upstream, clock, health } = setup();
    upstream.script("a", throttled);
    const first = chat(planOf(["a", "b"], { retries: { attemptsPerOffering: 3 } }));
    await first.result;
    expect(clock.sleeps).toEqual([]);
    expect(codes(first.attempts)).toEqual([
      ["a", "upstream_rate_limited"],
      ["b", undefined],
    ]);
    expect(health.of("m@a", clock.now)).toMatchObject({ state: "open", openUntil: clock.now + 2_000 });
    // The next request does not call a at all while its circuit is open.
    const second = chat(planOf(["a", "b"]));
    await second.result;
    expect(upstream.callsTo("a")).toBe(1);
    expect(codes(second.attempts)).toEqual([["b", undefined]]);
  });

  it("on the last candidate, waits exactly the Retry-After (within the cap) and probes again", async () => {
    const { chat, upstream, clock } = setup();
    upstream.script("a", throttled, ok());
    const { result, attempts } = chat(planOf(["a"], { retries: { attemptsPerOffering: 2 } }));
    await result;
    expect(clock.sleeps).toEqual([2_000]);
    expect(codes(attempts)).toEqual([
      ["a", "upstream_rate_limited"],
      ["a", undefined],
    ]);
  });

  it("a Retry-After over the cap is not waited for: the 429 and its Retry-After reach the client", async () => {
    const { chat, upstream, clock } = setup();
    upstream.script("a", { status: 429, headers: { "retry-after": "30" } });
    const { result } = chat(planOf(["a"], { retries: { attemptsPerOffering: 3 } }));
    await expect(result).rejects.toMatchObject({ code: "upstream_rate_limited", retryAfterSeconds: 30 });
    expect(clock.sleeps).toEqual([]);
  });

  it("503 no_offering_available while circuits are open carries Retry-After: when the first one closes", async () => {
    const { chat, upstream, clock } = setup();
    upstream.script("a", { status: 429, headers: { "retry-after": "4" } });
    upstream.script("b", { status: 429, headers: { "retry-after": "2" } });
    await expect(chat(planOf(["a", "b"])).result).rejects.toMatchObject({ code: "upstream_rate_limited" });
    await clock.advance(500);
    // The plan was made before the circuits opened (a cached plan): the walk finds both open.
    const { result, attempts } = chat(planOf(["a", "b"]));
    const error = (await result.catch((e: unknown) => e)) as GatewayError;
    expect(error.code).toBe("no_offering_available");
    expect(error.status).toBe(503);
    expect(error.retryAfterSeconds).toBe(2); // b reopens 1.5 s from now: rounded up
    expect(attempts).toEqual([]);
  });
});

describe("Executor: circuit breakers", () => {
  it("opens after consecutive failures, refuses until open_ms, then lets one probe through", async () => {
    const { chat, upstream, clock, health } = setup();
    upstream.script("a", { status: 500 }, { status: 500 }, { status: 500 }, ok("probe"));
    for (let i = 0; i < 3; i++)
      await expect(chat(planOf(["a"])).result).rejects.toMatchObject({ code: "upstream_server_error" });
    const refused = (await chat(planOf(["a"])).result.catch((e: unknown) => e)) as GatewayError;
    expect(refused).toMatchObject({ code: "no_offering_available", retryAfterSeconds: 2 });
    expect(upstream.callsTo("a")).toBe(3);
    await clock.advance(1_499);
    await expect(chat(planOf(["a"])).result).rejects.toMatchObject({ code: "no_offering_available" });
    await clock.advance(1);
    const { result } = chat(planOf(["a"]));
    expect((await result).result.text).toBe("probe");
    expect(health.of("m@a", clock.now)?.state).toBe("closed");
  });
});

describe("Executor: stream deadlines (issue 10, defect 2)", () => {
  it("a stream whose headers come at once but whose first token is late fails over at first_token_ms", async () => {
    const { chatStream, upstream, clock } = setup();
    upstream.script("a", stream("late", 3_000));
    upstream.script("b", stream("from b", 40));
    const { sink, attempts, outcome } = chatStream(planOf(["a", "b"], { timeouts: { firstTokenMs: 500 } }));
    await clock.advance(499);
    expect(upstream.callsTo("b")).toBe(0);
    await clock.advance(1);
    expect(upstream.callsTo("b")).toBe(1);
    expect(upstream.answers[0]?.aborted).toBe(true);
    await clock.advance(100);
    const result = await outcome;
    expect(codes(attempts)).toEqual([
      ["a", "upstream_timeout"],
      ["b", undefined],
    ]);
    expect(sink.route?.candidate.provider.id).toBe("b");
    expect(sink.text()).toBe("from b");
    expect(sink.ended).toEqual({ error: undefined });
    // From the executor's call: 500 ms on a, then 40 ms to b's first token.
    expect(result.ttftMs).toBe(540);
  });

  it("a stream that never sends its headers fails over at first_token_ms too (undici's headers timeout)", async () => {
    const { chatStream, upstream, clock } = setup();
    upstream.script("a", { headersAfterMs: 10_000 });
    upstream.script("b", stream("from b"));
    const { sink, attempts, outcome } = chatStream(planOf(["a", "b"], { timeouts: { firstTokenMs: 500 } }));
    expect(upstream.calls[0]?.request.headersTimeout).toBe(500);
    await clock.advance(600);
    await outcome;
    expect(codes(attempts)[0]).toEqual(["a", "upstream_timeout"]);
    expect(sink.text()).toBe("from b");
  });

  it("after the first byte, total_ms ends the client's stream with an error event, without failover", async () => {
    const { chatStream, upstream, clock, health } = setup();
    upstream.script("a", stream("slow", 100, 5_000));
    const { sink, attempts, outcome } = chatStream(planOf(["a", "b"], { timeouts: { totalMs: 1_000 } }));
    await clock.advance(999);
    expect(sink.text()).toBe("slow");
    expect(sink.ended).toBeUndefined();
    await clock.advance(1);
    const result = await outcome;
    expect(result.failedAfterOpen?.code).toBe("upstream_timeout");
    expect(sink.ended?.error?.code).toBe("upstream_timeout");
    expect(upstream.answers[0]?.aborted).toBe(true);
    expect(upstream.callsTo("b")).toBe(0);
    expect(codes(attempts)).toEqual([["a", "upstream_timeout"]]);
    expect(result.ttftMs).toBe(100);
    expect(health.of("m@a", clock.now, "stream")?.errorRate).toBe(1);
  });

  it("before the first byte, total_ms bounds the whole walk: the first-token deadline shrinks to what is left", async () => {
    const { chatStream, upstream, clock } = setup();
    upstream.script("a", stream("late", 3_000));
    upstream.script("b", stream("late too", 3_000));
    const { attempts, outcome } = chatStream(
      planOf(["a", "b"], { timeouts: { firstTokenMs: 500, totalMs: 700 } }),
    );
    await clock.advance(700);
    await expect(outcome).rejects.toMatchObject({ code: "upstream_timeout" });
    expect(codes(attempts)).toEqual([
      ["a", "upstream_timeout"],
      ["b", "upstream_timeout"],
    ]);
    expect(upstream.calls[1]?.request.headersTimeout).toBe(200);
  });
});

describe("Executor: stream failover and the streams' breaker (issue 10, defect 4)", () => {
  const broken: Step = {
    events: [
      { afterMs: 0, data: chunk({ role: "assistant", content: "" }) },
      { afterMs: 10, data: chunk({ content: "Hel" }) },
    ],
    resetAfterMs: 20,
  };

  it("a stream cut before its first content fails over to the next candidate", async () => {
    const { chatStream, upstream, clock } = setup();
    upstream.script("a", {
      events: [{ afterMs: 0, data: chunk({ role: "assistant", content: "" }) }],
      resetAfterMs: 5,
    });
    upstream.script("b", stream("from b"));
    const { sink, attempts, outcome } = chatStream(planOf(["a", "b"]));
    await clock.advance(100);
    await outcome;
    expect(codes(attempts)).toEqual([
      ["a", "upstream_connection_failed"],
      ["b", undefined],
    ]);
    expect(sink.text()).toBe("from b");
  });

  it("streams that break after the first byte open the streams' breaker, while whole answers still flow", async () => {
    const { chat, chatStream, upstream, clock, health } = setup();
    for (let i = 0; i < 3; i++) {
      upstream.script("a", broken);
      const { sink, outcome } = chatStream(planOf(["a", "b"]));
      await clock.advance(50);
      expect((await outcome).failedAfterOpen?.code).toBe("upstream_connection_failed");
      expect(sink.ended?.error?.code).toBe("upstream_connection_failed");
      // Whole answers in between succeed: they do not hide the broken streams.
      upstream.script("a", ok());
      await chat(planOf(["a"])).result;
    }
    expect(health.of("m@a", clock.now, "stream")).toMatchObject({ state: "open", streamsOnly: true });
    expect(health.of("m@a", clock.now, "whole")?.state).toBe("closed");
    upstream.script("b", stream("from b"));
    const next = chatStream(planOf(["a", "b"]));
    await clock.advance(50);
    await next.outcome;
    expect(codes(next.attempts)).toEqual([["b", undefined]]);
    const whole = chat(planOf(["a", "b"]));
    await whole.result;
    expect(codes(whole.attempts)).toEqual([["a", undefined]]);
  });
});

describe("Executor: a codec that cannot take the request (issue 10, defect 3)", () => {
  const openai = chatCodecs.get("openai-chat") as ChatCodec<unknown>;
  /** The openai-chat codec, refusing the offerings named as Bedrock Converse refuses an image link. */
  const refusing = (...natives: string[]): ReadonlyMap<Dialect, ChatCodec<unknown>> =>
    new Map([
      [
        "openai-chat",
        {
          ...openai,
          encodeChatRequest: (request, target) => {
            if (natives.includes(target.nativeModel))
              throw new GatewayError("unsupported_parameter", "images only as inline bytes", {
                param: "messages[0].content[0].image_url.url",
              });
            return openai.encodeChatRequest(request, target);
          },
        },
      ],
    ]);

  it("moves on to the next candidate instead of ending the failover with the codec's 400", async () => {
    const { chat, upstream } = setup({ chatCodecs: refusing("m-b") });
    upstream.script("a", { status: 503 });
    upstream.script("c", ok("from c"));
    const { result, attempts } = chat(planOf(["a", "b", "c"]));
    expect((await result).route.candidate.provider.id).toBe("c");
    expect(codes(attempts)).toEqual([
      ["a", "upstream_unavailable"],
      ["c", undefined],
    ]);
    expect(upstream.callsTo("b")).toBe(0);
  });

  it("when no candidate could take the request, the codec's 400 names the field", async () => {
    const { chat, upstream } = setup({ chatCodecs: refusing("m-a", "m-b") });
    const { result } = chat(planOf(["a", "b"]));
    await expect(result).rejects.toMatchObject({
      code: "unsupported_parameter",
      status: 400,
      param: "messages[0].content[0].image_url.url",
    });
    expect(upstream.calls).toEqual([]);
  });

  it("when another offering failed upstream, its failure is the answer (a retry may pass), naming the refusal", async () => {
    const { chat, upstream } = setup({ chatCodecs: refusing("m-b") });
    upstream.script("a", { status: 503 });
    const error = (await chat(planOf(["a", "b"])).result.catch((e: unknown) => e)) as GatewayError;
    expect(error.code).toBe("upstream_unavailable");
    expect(error.message).toContain("m@b (cannot take messages[0].content[0].image_url.url)");
  });
});
