import type { Dispatcher } from "undici";
import type { ChatCodec, EmbeddingsCodec, EncodedRequest, EncodeTarget, Warning } from "../codecs/codec.js";
import type { ChatRequest, Dialect } from "../core/chat-request.js";
import type { ChatResult } from "../core/chat-result.js";
import type { EmbeddingsDialect, EmbeddingsRequest, EmbeddingsResult } from "../core/embeddings.js";
import type { StreamPart } from "../core/stream-part.js";
import type { Usage } from "../core/usage.js";
import type { ErrorCode } from "../errors/codes.js";
import { GatewayError } from "../errors/gateway-error.js";
import type { Candidate, Plan } from "../routing/plan.js";
import type { Operation, Transport, UpstreamRequest } from "../transports/transport.js";
import type { Cancellation } from "./cancellation.js";
import { relayStream } from "./relay-stream.js";
import {
  exchangeBuffered,
  exchangeStreaming,
  type BufferedAnswer,
  type ExchangeRequest,
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
  /** Monotonic milliseconds; injected for tests. */
  readonly now?: () => number;
  /** Told the first time each provider drops or changes each parameter (later times only go in headers). */
  readonly onFirstWarning?: (provider: string, warning: Warning) => void;
}

export interface StreamOutcome {
  readonly route: Route;
  readonly usage: Usage | undefined;
  /** The upstream failed after the first byte reached the client; the client got an error event. */
  readonly failedAfterOpen: GatewayError | undefined;
}

/**
 * Walks a plan: one attempt per candidate, in order. A retryable failure or one that concerns only
 * this offering moves on; the client's own error stops at once. Streams fail over only while no
 * byte has reached the client. The full executor (retries on the same offering, breakers) extends this.
 */
export class Executor {
  readonly #deps: ExecutorDeps;
  readonly #now: () => number;
  readonly #warned = new Set<string>();

  constructor(deps: ExecutorDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? performance.now.bind(performance);
  }

  chat(
    request: ChatRequest,
    plan: Plan,
    cancellation: Cancellation,
    attempts: AttemptRecord[],
  ): Promise<{ result: ChatResult; route: Route }> {
    // Promise chains rather than nested async functions: fewer microtasks on the hot path.
    return this.#walk(plan, attempts, cancellation, (candidate, record) => {
      const { transport, codec } = this.#chatPipeline(candidate);
      const encoded = this.#noted(candidate, codec.encodeChatRequest(request, encodeTarget(candidate)));
      return this.#sendForJson(codec, transport, "chat", candidate, encoded.body, cancellation).then(
        (answer) => {
          const result = codec.decodeChatResponse(answer.json);
          record(answer.statusCode, undefined);
          return { result, route: { candidate, warnings: encoded.warnings } };
        },
      );
    });
  }

  chatStream(
    request: ChatRequest,
    plan: Plan,
    cancellation: Cancellation,
    attempts: AttemptRecord[],
    sink: ChatStreamSink,
  ): Promise<StreamOutcome> {
    return this.#walk(plan, attempts, cancellation, async (candidate, record) => {
      const { transport, codec } = this.#chatPipeline(candidate);
      const encoded = this.#noted(candidate, codec.encodeChatRequest(request, encodeTarget(candidate)));
      const answer = await this.#send(
        exchangeStreaming,
        transport,
        { operation: "chat", stream: true, candidate, body: encoded.body },
        cancellation,
      );
      if (answer.statusCode >= 300) throw upstreamError(codec, answer, await answer.text(), candidate);
      return relayStream({
        answer,
        codec,
        sink,
        route: { candidate, warnings: encoded.warnings },
        cancellation,
        record: (code) => record(answer.statusCode, code),
      });
    });
  }

  embeddings(
    request: EmbeddingsRequest,
    plan: Plan,
    cancellation: Cancellation,
    attempts: AttemptRecord[],
  ): Promise<{ result: EmbeddingsResult; route: Route }> {
    return this.#walk(plan, attempts, cancellation, (candidate, record) => {
      const transport = this.#transport(candidate);
      const dialect = candidate.offering.embeddingsDialect;
      const codec = dialect === undefined ? undefined : this.#deps.embeddingsCodecs.get(dialect);
      if (codec === undefined) throw missingCodec(dialect);
      const encoded = this.#noted(candidate, codec.encodeEmbeddingsRequest(request, encodeTarget(candidate)));
      const body = encoded.body;
      return this.#sendForJson(codec, transport, "embeddings", candidate, body, cancellation).then(
        (answer) => {
          const result = codec.decodeEmbeddingsResponse(answer.json);
          record(answer.statusCode, undefined);
          return { result, route: { candidate, warnings: encoded.warnings } };
        },
      );
    });
  }

  /** Tries candidates in order until one succeeds, recording every attempt. */
  async #walk<T>(
    plan: Plan,
    attempts: AttemptRecord[],
    cancellation: Cancellation,
    attempt: (
      candidate: Candidate,
      record: (status: number | undefined, code: ErrorCode | undefined) => void,
    ) => Promise<T>,
  ): Promise<T> {
    if (plan.candidates.length === 0) {
      throw new GatewayError("no_offering_available", `no provider offers ${plan.model} to this key`, {
        param: "model",
      });
    }
    let lastError: GatewayError | undefined;
    for (const candidate of plan.candidates) {
      const started = this.#now();
      let recorded = false;
      const record = (status: number | undefined, code: ErrorCode | undefined): void => {
        recorded = true;
        attempts.push({
          provider: candidate.provider.id,
          offering: candidate.offering.id,
          status,
          code,
          latencyMs: this.#now() - started,
        });
      };
      try {
        return await attempt(candidate, record);
      } catch (error) {
        if (error instanceof ClientAbortedError) throw error;
        const failure = classifyTransportError(error, candidate.provider.id, cancellation);
        if (!(failure instanceof GatewayError)) throw failure;
        if (!recorded) record(failure.upstreamStatus, failure.code);
        if (failure.failover === "stop") throw failure;
        lastError = failure;
      }
    }
    const last = lastError as GatewayError;
    const count = plan.candidates.length;
    throw new GatewayError(
      last.code,
      count === 1
        ? last.message
        : `all ${count} offerings of ${plan.model} failed; the last: ${last.message}`,
      {
        ...(last.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: last.retryAfterSeconds }),
        ...(last.provider === undefined ? {} : { provider: last.provider }),
        cause: last,
      },
    );
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
  ): Promise<{ statusCode: number; json: unknown }> {
    const call = { operation, stream: false, candidate, body };
    return this.#send(exchangeBuffered, transport, call, cancellation).then((answer) => {
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
  ): Promise<T> {
    const { offering, provider } = call.candidate;
    const dispatch = (upstream: UpstreamRequest): Promise<T> =>
      exchange(
        this.#deps.pools.get(transport.origin, provider.maxConnections),
        {
          path: upstream.path,
          headers: upstream.headers,
          body: upstream.body,
          headersTimeout: this.#deps.firstByteTimeoutMs,
          bodyTimeout: this.#deps.idleTimeoutMs,
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
