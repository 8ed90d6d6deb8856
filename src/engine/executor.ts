import type { Dispatcher } from "undici";
import type { ChatCodec, EmbeddingsCodec, EncodedRequest, EncodeTarget, Warning } from "../codecs/codec.js";
import { betaCloudOf, partitionBetas } from "../catalog/anthropic-betas.js";
import type { ChatRequest, Dialect } from "../core/chat-request.js";
import type { ChatResult } from "../core/chat-result.js";
import type { EmbeddingsDialect, EmbeddingsRequest, EmbeddingsResult } from "../core/embeddings.js";
import type { StreamPart } from "../core/stream-part.js";
import type { ErrorCode } from "../errors/codes.js";
import { GatewayError } from "../errors/gateway-error.js";
import type { HealthMode } from "../health/health-view.js";
import type { HealthTracker } from "../health/tracker.js";
import { emptyPlanError, retryAfterSeconds } from "../routing/empty-plan.js";
import type { Candidate, Plan } from "../routing/plan.js";
import type { Operation, Transport, UpstreamRequest } from "../transports/transport.js";
import type { Cancellation } from "./cancellation.js";
import { relayStream, type RelayOutcome } from "./relay-stream.js";
import {
  DEFAULT_MAX_RESPONSE_BYTES,
  exchangeBuffered,
  exchangeStreaming,
  type BufferedAnswer,
  type ExchangeRequest,
  type StreamingAnswer,
  type UpstreamHead,
} from "./upstream-exchange.js";
import { classifyTransportError, ClientAbortedError } from "./upstream-failure.js";
import type { UpstreamPools } from "./upstream-pools.js";

/** One try of one offering inside a request. */
export interface AttemptRecord {
  readonly provider: string;
  readonly offering: string;
  /** The upstream's HTTP status, when it answered. */
  readonly status: number | undefined;
  /** The error code, when the attempt failed. */
  readonly code: ErrorCode | undefined;
  readonly latencyMs: number;
}

/** Where a request was served: the winning candidate and what the client is told about it. */
export interface Route {
  readonly candidate: Candidate;
  readonly warnings: readonly Warning[];
}

/** The client side of a streamed answer; the ingress encodes parts in the client's dialect. */
export interface ChatStreamSink {
  /** The first part is ready and the route is final: send status and headers. Called at most once. */
  open(route: Route): void;
  /** Encodes one part; it is sent at the next `flush`, so one upstream chunk makes one socket write. */
  write(part: StreamPart): void;
  /** Sends what `write` encoded; returns false when the client's socket buffer is full. */
  flush(): boolean;
  /** Resolves when the client's socket can take more (or has gone away). */
  drain(): Promise<void>;
  /** Ends the client's stream, with an in-stream error when the upstream failed after `open`. */
  end(error?: GatewayError): void;
}

export interface ExecutorDeps {
  readonly pools: UpstreamPools;
  readonly transports: ReadonlyMap<string, Transport>;
  readonly chatCodecs: ReadonlyMap<Dialect, ChatCodec<unknown>>;
  readonly embeddingsCodecs: ReadonlyMap<EmbeddingsDialect, EmbeddingsCodec>;
  readonly firstByteTimeoutMs: number;
  readonly idleTimeoutMs: number;
  /** Live health and circuit breakers; every attempt's outcome is recorded here. */
  readonly health: HealthTracker;
  /** Monotonic milliseconds, for latencies; injected for tests. */
  readonly now?: () => number;
  /** Epoch milliseconds, for circuits (they are shown to people as clock times); injected for tests. */
  readonly clock?: () => number;
  /** Waits between retries; injected for tests. */
  readonly sleep?: (ms: number, cancellation: Cancellation) => Promise<void>;
  /** Jitter source in [0, 1). */
  readonly random?: () => number;
  /**
   * Runs `fire` after `ms` (monotonic) unless the returned function is called first: the stream
   * deadlines (first token, total). Injected for tests, with `now`, so that they need no real time.
   */
  readonly setTimer?: (ms: number, fire: () => void) => () => void;
  /** The upstream exchange; injected for tests. Production uses undici's dispatcher (upstream-exchange.ts). */
  readonly exchange?: UpstreamExchange;
  /** Told the first time each provider drops or changes each parameter (later times only go in headers). */
  readonly onFirstWarning?: (provider: string, warning: Warning) => void;
  /**
   * Told of every attempt a provider refused the gateway's own credentials (`upstream_auth_failed`): the
   * operator's problem, whose detail (the provider's words) the client is not shown.
   */
  readonly onUpstreamAuthFailure?: (provider: string, error: GatewayError) => void;
  /** Bounds on what is read from an upstream (see `upstream.max_response_bytes` / `max_event_bytes`). */
  readonly maxResponseBytes?: number;
  readonly maxEventBytes?: number;
}

/** How the executor sends one call upstream: buffered (whole answers) or streaming. */
export interface UpstreamExchange {
  readonly buffered: (
    dispatcher: Dispatcher,
    request: ExchangeRequest,
    cancellation: Cancellation,
  ) => Promise<BufferedAnswer>;
  readonly streaming: (
    dispatcher: Dispatcher,
    request: ExchangeRequest,
    cancellation: Cancellation,
  ) => Promise<StreamingAnswer>;
}

const undiciExchange: UpstreamExchange = { buffered: exchangeBuffered, streaming: exchangeStreaming };

export interface StreamOutcome extends RelayOutcome {
  /** Milliseconds from the executor's call to the first content sent to the client (failovers included). */
  readonly ttftMs: number | undefined;
}

/**
 * Walks a plan: attempts per candidate, in order, with retries in place, backoff, Retry-After,
 * circuit breakers and deadlines. A retryable failure or one that concerns only this offering moves
 * on; the client's own error stops at once. Streams fail over only while no byte has reached the client.
 */
export class Executor {
  readonly #deps: ExecutorDeps;
  readonly #now: () => number;
  readonly #clock: () => number;
  readonly #sleep: (ms: number, cancellation: Cancellation) => Promise<void>;
  readonly #random: () => number;
  readonly #setTimer: (ms: number, fire: () => void) => () => void;
  readonly #exchange: UpstreamExchange;
  readonly #warned = new Set<string>();

  constructor(deps: ExecutorDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? performance.now.bind(performance);
    this.#clock = deps.clock ?? Date.now;
    this.#sleep = deps.sleep ?? sleepUnlessCancelled;
    this.#random = deps.random ?? Math.random;
    this.#setTimer = deps.setTimer ?? realTimer;
    this.#exchange = deps.exchange ?? undiciExchange;
  }

  chat(
    request: ChatRequest,
    plan: Plan,
    cancellation: Cancellation,
    attempts: AttemptRecord[],
  ): Promise<{ result: ChatResult; route: Route }> {
    // Promise chains rather than nested async functions: fewer microtasks on the hot path.
    return this.#walk(plan, attempts, cancellation, "whole", (candidate, record, timeouts) => {
      const { transport, codec } = this.#chatPipeline(candidate);
      const encoded = this.#encode(candidate, () => encodeChat(codec, request, candidate));
      return this.#sendForJson(
        codec,
        transport,
        "chat",
        candidate,
        encoded.body,
        cancellation,
        timeouts,
      ).then((answer) => {
        const result = codec.decodeChatResponse(answer.json);
        record(answer.statusCode, undefined);
        return { result, route: { candidate, warnings: encoded.warnings } };
      });
    });
  }

  chatStream(
    request: ChatRequest,
    plan: Plan,
    cancellation: Cancellation,
    attempts: AttemptRecord[],
    sink: ChatStreamSink,
  ): Promise<StreamOutcome> {
    const called = this.#now();
    return this.#walk(
      plan,
      attempts,
      cancellation,
      "stream",
      async (candidate, record, timeouts, started) => {
        const { transport, codec } = this.#chatPipeline(candidate);
        const encoded = this.#encode(candidate, () => encodeChat(codec, request, candidate));
        const answer = await this.#send(
          this.#exchange.streaming,
          transport,
          { operation: "chat", stream: true, candidate, body: encoded.body },
          cancellation,
          timeouts,
        );
        if (answer.statusCode >= 300) throw upstreamError(codec, answer, await answer.text(), candidate);
        let opened: number | undefined;
        const timedSink: ChatStreamSink = {
          open: (route) => {
            opened = this.#now();
            sink.open(route);
          },
          write: (part) => sink.write(part),
          flush: () => sink.flush(),
          drain: () => sink.drain(),
          end: (error) => sink.end(error),
        };
        // The deadlines count from the attempt's start: the headers may come at once and the first token late.
        const elapsed = this.#now() - started;
        const provider = candidate.provider.id;
        const outcome = await relayStream({
          answer,
          codec,
          sink: timedSink,
          route: { candidate, warnings: encoded.warnings },
          cancellation,
          record: (code) => record(answer.statusCode, code),
          deadlines: {
            setTimer: this.#setTimer,
            firstTokenMs: timeouts.firstByteMs - elapsed,
            firstTokenError: () =>
              new GatewayError(
                "upstream_timeout",
                `${provider} sent no first token within ${timeouts.firstByteMs} ms`,
                { provider },
              ),
            totalMs: timeouts.remainingMs - elapsed,
            totalError: () =>
              new GatewayError(
                "upstream_timeout",
                `${plan.model}: the tenant's total timeout of ${plan.policy.timeouts.totalMs ?? 0} ms ran out while ${provider} was streaming`,
                { provider },
              ),
          },
          maxEventBytes: this.#deps.maxEventBytes,
        });
        const health = this.#deps.health;
        const offering = candidate.offering.id;
        if (outcome.failedAfterOpen !== undefined)
          health.record(offering, { ok: false, afterFirstByte: true }, this.#clock(), "stream");
        else
          health.record(
            offering,
            {
              ok: true,
              latencyMs: this.#now() - started,
              ttftMs: opened === undefined ? undefined : opened - started,
            },
            this.#clock(),
            "stream",
          );
        return { ...outcome, ttftMs: opened === undefined ? undefined : opened - called };
      },
    );
  }

  embeddings(
    request: EmbeddingsRequest,
    plan: Plan,
    cancellation: Cancellation,
    attempts: AttemptRecord[],
  ): Promise<{ result: EmbeddingsResult; route: Route }> {
    return this.#walk(plan, attempts, cancellation, "whole", async (candidate, record, timeouts) => {
      const transport = this.#transport(candidate);
      const dialect = candidate.offering.embeddingsDialect;
      const codec = dialect === undefined ? undefined : this.#deps.embeddingsCodecs.get(dialect);
      if (codec === undefined) throw missingCodec(dialect);
      // An API that embeds fewer inputs per call (Bedrock Titan: one) gets the request in slices,
      // sent one after another; the vectors are joined in input order.
      const slices = sliceInputs(request, codec.maxInputsPerRequest);
      const vectors: Float32Array[] = [];
      let inputTokens = 0;
      let model: string | undefined;
      let warnings: readonly Warning[] = [];
      let status: number | undefined;
      for (const slice of slices) {
        const encoded = this.#encode(candidate, () =>
          codec.encodeEmbeddingsRequest(slice, encodeTarget(candidate)),
        );
        warnings = encoded.warnings;
        const answer = await this.#sendForJson(
          codec,
          transport,
          "embeddings",
          candidate,
          encoded.body,
          cancellation,
          timeouts,
        );
        const result = codec.decodeEmbeddingsResponse(answer.json);
        vectors.push(...result.vectors);
        inputTokens += result.inputTokens;
        model ??= result.model;
        status = answer.statusCode;
      }
      record(status, undefined);
      const result: EmbeddingsResult = { vectors, inputTokens, ...(model === undefined ? {} : { model }) };
      return { result, route: { candidate, warnings } };
    });
  }

  /**
   * Walks the plan: each candidate in order, retried in place while that helps, recording every
   * attempt and its outcome in the health tracker (streams also in their own breaker).
   *
   * - `retry` failures (429, 408, 5xx, resets, timeouts) try the same offering again after a backoff
   *   with full jitter, up to the policy's attempts per offering. A Retry-After opens the offering's
   *   circuit for that long (capped); the walk then moves on, and waits for it only when this is the
   *   last candidate and the wait is within the cap.
   * - `next` failures (auth, model missing there, an open circuit) move to the next candidate at once.
   * - `stop` failures (the client's own 400) end the walk: no other offering would answer differently.
   *   A codec that cannot encode the request is not the client's error while another offering may
   *   take it: the walk moves on, and returns the codec's 400 only when no attempt was made at all.
   * Streams reach here only while no byte has gone to the client (see relay-stream).
   */
  async #walk<T>(
    plan: Plan,
    attempts: AttemptRecord[],
    cancellation: Cancellation,
    mode: HealthMode,
    attempt: (
      candidate: Candidate,
      record: (status: number | undefined, code: ErrorCode | undefined) => void,
      timeouts: AttemptTimeouts,
      started: number,
    ) => Promise<T>,
  ): Promise<T> {
    if (plan.candidates.length === 0) throw emptyPlanError(plan, this.#clock());
    const { retries, timeouts } = plan.policy;
    const health = this.#deps.health;
    const deadline = timeouts.totalMs === undefined ? Infinity : this.#now() + timeouts.totalMs;
    const firstByteMs = timeouts.firstTokenMs ?? this.#deps.firstByteTimeoutMs;
    let lastError: GatewayError | undefined;
    let refused: GatewayError | undefined;
    const skipped: string[] = [];
    /** The earliest instant a skipped circuit lets requests through again. */
    let reopens = Infinity;
    for (const [index, candidate] of plan.candidates.entries()) {
      const offering = candidate.offering.id;
      const isLast = index === plan.candidates.length - 1;
      for (let tryNumber = 1; ; tryNumber++) {
        const remaining = deadline - this.#now();
        if (remaining <= 0) throw totalTimeout(plan, timeouts.totalMs ?? 0, attempts.length, lastError);
        const at = this.#clock();
        if (!health.admit(offering, at, mode)) {
          skipped.push(`${offering} (circuit open)`);
          // Half-open with a probe in flight has no end time: its probe settles within moments.
          reopens = Math.min(reopens, health.of(offering, at, mode)?.openUntil ?? at + 1_000);
          break;
        }
        const started = this.#now();
        let recorded = false;
        const record = (status: number | undefined, code: ErrorCode | undefined): void => {
          recorded = true;
          attempts.push({
            provider: candidate.provider.id,
            offering,
            status,
            code,
            latencyMs: this.#now() - started,
          });
        };
        const attemptTimeouts: AttemptTimeouts = {
          firstByteMs: Math.max(1, Math.min(firstByteMs, remaining)),
          remainingMs: remaining,
          connectMs: timeouts.connectMs,
        };
        try {
          const result = await attempt(candidate, record, attemptTimeouts, started);
          if (mode === "whole")
            health.record(offering, { ok: true, latencyMs: this.#now() - started }, this.#clock());
          return result;
        } catch (error) {
          if (error instanceof EncodeRefusal) {
            health.release(offering);
            refused ??= error.error;
            skipped.push(`${offering} (cannot take ${error.error.param ?? "the request"})`);
            break;
          }
          if (error instanceof ClientAbortedError) {
            health.release(offering);
            throw error;
          }
          const failure = classifyTransportError(error, candidate.provider.id, cancellation);
          if (!(failure instanceof GatewayError)) {
            health.release(offering);
            throw failure;
          }
          if (!recorded) record(failure.upstreamStatus, failure.code);
          if (failure.code === "upstream_auth_failed")
            this.#deps.onUpstreamAuthFailure?.(candidate.provider.id, failure);
          if (failure.failover === "stop") {
            health.release(offering);
            throw failure;
          }
          const retryAfterMs =
            failure.retryAfterSeconds === undefined
              ? undefined
              : Math.min(failure.retryAfterSeconds * 1000, retries.retryAfterCapMs);
          health.record(offering, { ok: false, retryAfterMs }, this.#clock(), mode);
          lastError = failure;
          if (failure.failover !== "retry" || tryNumber >= retries.attemptsPerOffering) break;
          let wait: number;
          if (retryAfterMs !== undefined) {
            const asked = (failure.retryAfterSeconds ?? 0) * 1000;
            if (!isLast || asked > retries.retryAfterCapMs) break;
            wait = retryAfterMs;
          } else {
            const ceiling = Math.min(retries.backoffMaxMs, retries.backoffBaseMs * 2 ** (tryNumber - 1));
            wait = Math.round(this.#random() * ceiling);
          }
          if (this.#now() + wait >= deadline) break;
          await this.#sleep(wait, cancellation);
          if (cancellation.aborted) throw new ClientAbortedError("the client closed the connection");
        }
      }
    }
    if (lastError === undefined && refused !== undefined) throw refused;
    const retryAfter = reopens === Infinity ? undefined : retryAfterSeconds(reopens, this.#clock());
    throw exhausted(plan, lastError, skipped, retryAfter);
  }

  #transport(candidate: Candidate): Transport {
    const transport = this.#deps.transports.get(candidate.provider.id);
    if (transport === undefined) throw new Error(`no transport for provider ${candidate.provider.id}`);
    return transport;
  }

  #chatPipeline(candidate: Candidate): { transport: Transport; codec: ChatCodec<unknown> } {
    const transport = this.#transport(candidate);
    const codec = this.#deps.chatCodecs.get(candidate.offering.dialect);
    if (codec === undefined) throw missingCodec(candidate.offering.dialect);
    return { transport, codec };
  }

  /** Encodes for this offering; what its codec cannot express concerns this offering only (see `#walk`). */
  #encode(candidate: Candidate, encode: () => EncodedRequest): EncodedRequest {
    let encoded: EncodedRequest;
    try {
      encoded = encode();
    } catch (error) {
      if (error instanceof GatewayError && error.failover === "stop") throw new EncodeRefusal(error);
      throw error;
    }
    return this.#noted(candidate, encoded);
  }

  /** Reports each provider × parameter warning once, so logs say it without repeating it per request. */
  #noted(candidate: Candidate, encoded: EncodedRequest): EncodedRequest {
    const report = this.#deps.onFirstWarning;
    if (encoded.warnings.length === 0 || report === undefined) return encoded;
    for (const warning of encoded.warnings) {
      const key = `${candidate.provider.id}\u0000${warning.param}`;
      if (this.#warned.has(key)) continue;
      this.#warned.add(key);
      report(candidate.provider.id, warning);
    }
    return encoded;
  }

  /** A non-streaming call: the upstream's JSON body, or its error answer thrown as a GatewayError. */
  #sendForJson(
    codec: Pick<EmbeddingsCodec, "decodeError">,
    transport: Transport,
    operation: Operation,
    candidate: Candidate,
    body: Record<string, unknown>,
    cancellation: Cancellation,
    timeouts: AttemptTimeouts,
  ): Promise<{ statusCode: number; json: unknown }> {
    const call = { operation, stream: false, candidate, body };
    return this.#send(this.#exchange.buffered, transport, call, cancellation, timeouts).then((answer) => {
      if (answer.statusCode >= 300)
        throw upstreamError(codec, answer, answer.body.toString("utf8"), candidate);
      return { statusCode: answer.statusCode, json: parseJson(answer, candidate) };
    });
  }

  /**
   * Prepares the call on the transport and exchanges it upstream; what undici throws is classified where
   * the attempt is caught (`#walk`). Written without `await`: each await is a microtask per request.
   */
  #send<T>(
    exchange: (dispatcher: Dispatcher, request: ExchangeRequest, cancellation: Cancellation) => Promise<T>,
    transport: Transport,
    call: { operation: Operation; stream: boolean; candidate: Candidate; body: Record<string, unknown> },
    cancellation: Cancellation,
    timeouts: AttemptTimeouts,
  ): Promise<T> {
    const { offering, provider } = call.candidate;
    const dispatch = (upstream: UpstreamRequest): Promise<T> =>
      exchange(
        this.#deps.pools.get(transport.origin, provider.maxConnections, timeouts.connectMs),
        {
          path: upstream.path,
          headers: upstream.headers,
          body: upstream.body,
          headersTimeout: timeouts.firstByteMs,
          bodyTimeout: this.#deps.idleTimeoutMs,
          maxBodyBytes: this.#deps.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
          provider: provider.id,
        },
        cancellation,
      );
    const prepared = transport.prepare({
      operation: call.operation,
      dialect: offering.dialect,
      nativeModel: offering.nativeModel,
      stream: call.stream,
      body: call.body,
    });
    return prepared instanceof Promise ? prepared.then(dispatch) : dispatch(prepared);
  }
}

/** The request cut into requests of at most `max` inputs each (the request itself when it fits). */
function sliceInputs(request: EmbeddingsRequest, max: number | undefined): EmbeddingsRequest[] {
  const input = request.input;
  if (max === undefined || input.length <= max) return [request];
  const slices: EmbeddingsRequest[] = [];
  for (let start = 0; start < input.length; start += max) {
    const part = input.slice(start, start + max) as EmbeddingsRequest["input"];
    slices.push({ ...request, input: part, singleInput: part.length === 1 && request.singleInput });
  }
  return slices;
}

/** Per-attempt limits: the policy's, cut to what is left of the request's total time. */
interface AttemptTimeouts {
  /** Until the answer's headers, and for a stream also until its first token, from the attempt's start. */
  readonly firstByteMs: number;
  /** What is left of the request's total time at the attempt's start (Infinity without `total_ms`). */
  readonly remainingMs: number;
  readonly connectMs: number | undefined;
}

/** A codec could not encode the request for one offering (e.g. an image link for Bedrock Converse). */
class EncodeRefusal extends Error {
  override readonly name = "EncodeRefusal";
  readonly error: GatewayError;

  constructor(error: GatewayError) {
    super(error.message);
    this.error = error;
  }
}

/** Every candidate was tried (or skipped): the last error, naming what was not tried and why. */
function exhausted(
  plan: Plan,
  lastError: GatewayError | undefined,
  skipped: readonly string[],
  reopensInSeconds: number | undefined,
): GatewayError {
  const boundary = plan.excluded
    .filter((exclusion) => exclusion.boundary)
    .map((exclusion) => `${exclusion.offering.id} (${exclusion.reason})`);
  const notes = [
    ...(skipped.length === 0 ? [] : [`skipped: ${skipped.join(", ")}`]),
    ...(boundary.length === 0 ? [] : [`outside the tenant's boundary, never tried: ${boundary.join(", ")}`]),
  ];
  const suffix = notes.length === 0 ? "" : `; ${notes.join("; ")}`;
  if (lastError === undefined) {
    return new GatewayError(
      "no_offering_available",
      `${plan.model}: every eligible offering has an open circuit${suffix}`,
      { param: "model", ...(reopensInSeconds === undefined ? {} : { retryAfterSeconds: reopensInSeconds }) },
    );
  }
  const count = plan.candidates.length;
  const message =
    count === 1 && suffix === ""
      ? lastError.message
      : `${count === 1 ? "the only eligible offering" : `all ${count} offerings`} of ${plan.model} failed; the last: ${lastError.message}${suffix}`;
  // A transient failure without its own Retry-After gets the time the first skipped circuit closes.
  const retryAfter =
    lastError.retryAfterSeconds ?? (lastError.failover === "retry" ? reopensInSeconds : undefined);
  return new GatewayError(lastError.code, message, {
    ...(retryAfter === undefined ? {} : { retryAfterSeconds: retryAfter }),
    ...(lastError.provider === undefined ? {} : { provider: lastError.provider }),
    cause: lastError,
  });
}

function totalTimeout(
  plan: Plan,
  totalMs: number,
  attempts: number,
  lastError: GatewayError | undefined,
): GatewayError {
  const last = lastError === undefined ? "" : `; the last error: ${lastError.message}`;
  return new GatewayError(
    "upstream_timeout",
    `${plan.model}: the tenant's total timeout of ${totalMs} ms ran out after ${attempts} attempt(s)${last}`,
    lastError === undefined ? {} : { cause: lastError },
  );
}

function realTimer(ms: number, fire: () => void): () => void {
  const timer = setTimeout(fire, ms);
  return () => clearTimeout(timer);
}

function sleepUnlessCancelled(ms: number, cancellation: Cancellation): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0 || cancellation.aborted) return resolve();
    const unsubscribe = cancellation.subscribe(() => {
      clearTimeout(timer);
      resolve();
    });
    const timer = setTimeout(() => {
      unsubscribe();
      resolve();
    }, ms);
  });
}

/**
 * Encodes a chat request for one offering, after stripping the `anthropic-beta` flags its cloud does not
 * take (catalog/anthropic-betas.ts), each named in a warning. A flag the request needs and the cloud
 * lacks never gets here: the planner left that offering out.
 */
function encodeChat(codec: ChatCodec<unknown>, request: ChatRequest, candidate: Candidate): EncodedRequest {
  const betas = request.betas;
  if (betas === undefined || betas.length === 0)
    return codec.encodeChatRequest(request, encodeTarget(candidate));
  const { provider, offering } = candidate;
  const { taken, stripped } = partitionBetas(betas, betaCloudOf(provider.kind, offering));
  const encoded = codec.encodeChatRequest(
    stripped.length === 0 ? request : { ...request, betas: taken },
    encodeTarget(candidate),
  );
  if (stripped.length === 0) return encoded;
  const warning: Warning = {
    code: "parameter_ignored",
    param: "anthropic-beta",
    message: `anthropic-beta ${stripped.join(" ")} ${stripped.length === 1 ? "is" : "are"} not taken by ${provider.id} (${offering.dialect}) and ${stripped.length === 1 ? "was" : "were"} stripped`,
  };
  return { body: encoded.body, warnings: [warning, ...encoded.warnings] };
}

function encodeTarget(candidate: Candidate): EncodeTarget {
  return {
    nativeModel: candidate.offering.nativeModel,
    unsupportedFields: candidate.provider.unsupportedParameters,
  };
}

function upstreamError(
  codec: Pick<EmbeddingsCodec, "decodeError">,
  answer: UpstreamHead,
  body: string,
  candidate: Candidate,
): GatewayError {
  return codec.decodeError({
    status: answer.statusCode,
    headers: answer.headers(),
    body,
    provider: candidate.provider.id,
  });
}

function parseJson(answer: BufferedAnswer, candidate: Candidate): unknown {
  try {
    return JSON.parse(answer.body.toString("utf8")) as unknown;
  } catch {
    const provider = candidate.provider.id;
    throw new GatewayError("upstream_bad_response", `${provider} answered with a body that is not JSON`, {
      provider,
      upstreamStatus: answer.statusCode,
    });
  }
}

function missingCodec(dialect: Dialect | EmbeddingsDialect | undefined): Error {
  return new Error(`no codec for dialect ${dialect}`);
}
