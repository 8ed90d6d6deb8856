import type { Dispatcher } from "undici";
import type { ChatCodec, EmbeddingsCodec, Warning } from "../codecs/codec.js";
import type { ChatRequest, Dialect } from "../core/chat-request.js";
import type { ChatResult } from "../core/chat-result.js";
import type { EmbeddingsRequest, EmbeddingsResult } from "../core/embeddings.js";
import type { StreamPart } from "../core/stream-part.js";
import type { Usage } from "../core/usage.js";
import type { ErrorCode } from "../errors/codes.js";
import { GatewayError } from "../errors/gateway-error.js";
import type { Candidate, Plan } from "../routing/plan.js";
import type { Operation, Transport } from "../transports/transport.js";
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
  /** Writes one part; returns false when the client's socket buffer is full. */
  write(part: StreamPart): boolean;
  /** Resolves when the client's socket can take more (or has gone away). */
  drain(): Promise<void>;
  /** Ends the client's stream, with an in-stream error when the upstream failed after `open`. */
  end(error?: GatewayError): void;
}

export interface ExecutorDeps {
  readonly pools: UpstreamPools;
  readonly transports: ReadonlyMap<string, Transport>;
  readonly chatCodecs: ReadonlyMap<Dialect, ChatCodec<unknown>>;
  readonly embeddingsCodecs: ReadonlyMap<Dialect, EmbeddingsCodec>;
  readonly firstByteTimeoutMs: number;
  readonly idleTimeoutMs: number;
  /** Monotonic milliseconds; injected for tests. */
  readonly now?: () => number;
}

export interface StreamOutcome {
  readonly route: Route;
  readonly usage: Usage | undefined;
  /** The upstream failed after the first byte reached the client; the client got an error event. */
  readonly failedAfterOpen: GatewayError | undefined;
}

/** Content that commits a stream to its offering: once sent, there is no failing over. */
const committingParts = new Set<StreamPart["type"]>([
  "text-delta",
  "reasoning-delta",
  "tool-call-start",
  "tool-call-delta",
  "finish",
]);

/**
 * Walks a plan: one attempt per candidate, in order. A retryable failure or one that concerns only
 * this offering moves on; the client's own error stops at once. Streams fail over only while no
 * byte has reached the client. The full executor (retries on the same offering, breakers) extends this.
 */
export class Executor {
  readonly #deps: ExecutorDeps;
  readonly #now: () => number;

  constructor(deps: ExecutorDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? performance.now.bind(performance);
  }

  async chat(
    request: ChatRequest,
    plan: Plan,
    signal: AbortSignal,
    attempts: AttemptRecord[],
  ): Promise<{ result: ChatResult; route: Route }> {
    return this.#walk(plan, attempts, signal, async (candidate, record) => {
      const { transport, codec } = this.#chatPipeline(candidate);
      const encoded = codec.encodeChatRequest(request, {
        nativeModel: candidate.offering.nativeModel,
        unsupportedFields: candidate.provider.unsupportedParameters,
      });
      const response = await this.#send(transport, "chat", false, candidate, encoded.body, signal);
      if (response.statusCode >= 300) throw await this.#upstreamError(codec, response, candidate);
      const body = await readJson(response, candidate.provider.id);
      const result = codec.decodeChatResponse(body);
      record(response.statusCode, undefined);
      return { result, route: { candidate, warnings: encoded.warnings } };
    });
  }

  async chatStream(
    request: ChatRequest,
    plan: Plan,
    signal: AbortSignal,
    attempts: AttemptRecord[],
    sink: ChatStreamSink,
  ): Promise<StreamOutcome> {
    return this.#walk(plan, attempts, signal, async (candidate, record) => {
      const { transport, codec } = this.#chatPipeline(candidate);
      const encoded = codec.encodeChatRequest(request, {
        nativeModel: candidate.offering.nativeModel,
        unsupportedFields: candidate.provider.unsupportedParameters,
      });
      const response = await this.#send(transport, "chat", true, candidate, encoded.body, signal);
      if (response.statusCode >= 300) throw await this.#upstreamError(codec, response, candidate);

      const route: Route = { candidate, warnings: encoded.warnings };
      const parser = codec.createFrameParser();
      const decoder = codec.createStreamDecoder();
      const pending: StreamPart[] = [];
      let opened = false;
      let blocked = false;
      let usage: Usage | undefined;

      // Returns an error that ends the attempt (before open) or the client's stream (after open).
      const deliver = (parts: readonly StreamPart[]): GatewayError | undefined => {
        for (const part of parts) {
          if (part.type === "error") return part.error;
          if (part.type === "usage") usage = part.usage;
          if (opened) {
            if (!sink.write(part)) blocked = true;
          } else {
            pending.push(part);
            if (committingParts.has(part.type)) {
              opened = true;
              sink.open(route);
              for (const held of pending) if (!sink.write(held)) blocked = true;
              pending.length = 0;
            }
          }
        }
        return undefined;
      };
      const fail = (error: GatewayError): StreamOutcome => {
        if (!opened) throw error;
        record(response.statusCode, error.code);
        response.body.destroy();
        sink.end(error);
        return { route, usage, failedAfterOpen: error };
      };

      try {
        for await (const chunk of response.body as AsyncIterable<Buffer>) {
          for (const event of parser.push(chunk)) {
            const error = deliver(decoder.push(event));
            if (error !== undefined) return fail(error);
          }
          if (blocked) {
            blocked = false;
            await sink.drain();
            if (signal.aborted) throw new ClientAbortedError("the client closed the connection");
          }
        }
      } catch (error) {
        const failure = classifyTransportError(error, candidate.provider.id, signal);
        if (failure instanceof GatewayError) return fail(failure);
        throw failure;
      }
      for (const event of parser.end()) {
        const error = deliver(decoder.push(event));
        if (error !== undefined) return fail(error);
      }
      const error = deliver(decoder.end());
      if (error !== undefined) return fail(error);
      if (!opened) {
        // A stream that ended cleanly without content (e.g. only a finish with no text).
        opened = true;
        sink.open(route);
        for (const held of pending) sink.write(held);
      }
      record(response.statusCode, undefined);
      sink.end();
      return { route, usage, failedAfterOpen: undefined };
    });
  }

  async embeddings(
    request: EmbeddingsRequest,
    plan: Plan,
    signal: AbortSignal,
    attempts: AttemptRecord[],
  ): Promise<{ result: EmbeddingsResult; route: Route }> {
    return this.#walk(plan, attempts, signal, async (candidate, record) => {
      const transport = this.#transport(candidate);
      const dialect = candidate.offering.dialect;
      const codec = this.#deps.embeddingsCodecs.get(dialect);
      if (codec === undefined) throw missingCodec(dialect);
      const encoded = codec.encodeEmbeddingsRequest(request, {
        nativeModel: candidate.offering.nativeModel,
        unsupportedFields: candidate.provider.unsupportedParameters,
      });
      const response = await this.#send(transport, "embeddings", false, candidate, encoded.body, signal);
      if (response.statusCode >= 300) throw await this.#upstreamError(codec, response, candidate);
      const result = codec.decodeEmbeddingsResponse(await readJson(response, candidate.provider.id));
      record(response.statusCode, undefined);
      return { result, route: { candidate, warnings: encoded.warnings } };
    });
  }

  /** Tries candidates in order until one succeeds, recording every attempt. */
  async #walk<T>(
    plan: Plan,
    attempts: AttemptRecord[],
    signal: AbortSignal,
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
        const failure = classifyTransportError(error, candidate.provider.id, signal);
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

  async #send(
    transport: Transport,
    operation: Operation,
    stream: boolean,
    candidate: Candidate,
    body: Record<string, unknown>,
    signal: AbortSignal,
  ): Promise<Dispatcher.ResponseData> {
    const pool = this.#deps.pools.get(transport.origin, candidate.provider.maxConnections);
    const { offering } = candidate;
    const upstream = await transport.prepare({
      operation,
      dialect: offering.dialect,
      nativeModel: offering.nativeModel,
      stream,
      body,
    });
    try {
      return await pool.request({
        method: "POST",
        path: upstream.path,
        headers: upstream.headers,
        body: upstream.body,
        signal,
        headersTimeout: this.#deps.firstByteTimeoutMs,
        bodyTimeout: this.#deps.idleTimeoutMs,
      });
    } catch (error) {
      throw classifyTransportError(error, candidate.provider.id, signal);
    }
  }

  async #upstreamError(
    codec: Pick<EmbeddingsCodec, "decodeError">,
    response: Dispatcher.ResponseData,
    candidate: Candidate,
  ): Promise<GatewayError> {
    let body = "";
    try {
      body = await response.body.text();
    } catch {
      // The status alone still classifies the failure.
    }
    return codec.decodeError({
      status: response.statusCode,
      headers: response.headers,
      body,
      provider: candidate.provider.id,
    });
  }
}

async function readJson(response: Dispatcher.ResponseData, provider: string): Promise<unknown> {
  const text = await response.body.text();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new GatewayError("upstream_bad_response", `${provider} answered with a body that is not JSON`, {
      provider,
      upstreamStatus: response.statusCode,
    });
  }
}

function missingCodec(dialect: Dialect): Error {
  return new Error(`no codec for dialect ${dialect}`);
}
