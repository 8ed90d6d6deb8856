import type { ChatCodec } from "../codecs/codec.js";
import type { StreamPart } from "../core/stream-part.js";
import type { Usage } from "../core/usage.js";
import type { ErrorCode } from "../errors/codes.js";
import { GatewayError, normalizeError } from "../errors/gateway-error.js";
import type { Cancellation } from "./cancellation.js";
import type { ChatStreamSink, Route } from "./executor.js";
import type { StreamingAnswer } from "./upstream-exchange.js";
import { classifyTransportError } from "./upstream-failure.js";

/** Content that commits a stream to its offering: once sent, there is no failing over. */
const committingParts = new Set<StreamPart["type"]>([
  "text-delta",
  "reasoning-delta",
  "reasoning-signature",
  "reasoning-redacted",
  "refusal-delta",
  "tool-call-start",
  "tool-call-delta",
  "finish",
]);

/** How a relayed stream ended. */
export interface RelayOutcome {
  readonly route: Route;
  readonly usage: Usage | undefined;
  /** The upstream failed after the first byte reached the client; the client got an error event. */
  readonly failedAfterOpen: GatewayError | undefined;
}

/**
 * The stream's deadlines, in ms from when the relay starts. Before the first content the first-token
 * deadline fails the attempt (the executor fails over); the total deadline fails it too, or, once
 * content has reached the client, ends the client's stream with an error event.
 */
export interface StreamDeadlines {
  readonly setTimer: (ms: number, fire: () => void) => () => void;
  readonly firstTokenMs: number;
  readonly firstTokenError: () => GatewayError;
  /** Infinity for no total deadline. */
  readonly totalMs: number;
  readonly totalError: () => GatewayError;
}

export interface RelayOptions {
  readonly answer: StreamingAnswer;
  readonly codec: ChatCodec<unknown>;
  readonly sink: ChatStreamSink;
  readonly route: Route;
  readonly cancellation: Cancellation;
  /** Records the attempt's end: undefined when it succeeded. */
  readonly record: (code: ErrorCode | undefined) => void;
  readonly deadlines?: StreamDeadlines | undefined;
  /** The largest stream event the frame parser may hold (`upstream.max_event_bytes`). */
  readonly maxEventBytes?: number | undefined;
}

/**
 * Relays one upstream stream to the client: frames → events → canonical parts → the sink, chunk by
 * chunk, with backpressure. Nothing reaches the client until the first part that carries content; a
 * failure before that rejects (the executor fails over), a failure after it ends the client's stream
 * with an error event and resolves. The deadlines (when given) are enforced on the same two sides.
 */
export function relayStream(options: RelayOptions): Promise<RelayOutcome> {
  const { answer, codec, sink, route } = options;
  const parser = codec.createFrameParser(
    options.maxEventBytes === undefined ? undefined : { maxEventBytes: options.maxEventBytes },
  );
  const decoder = codec.createStreamDecoder();
  const pending: StreamPart[] = [];
  let opened = false;
  let done = false;
  let usage: Usage | undefined;
  let cancelFirstToken: (() => void) | undefined;
  let cancelTotal: (() => void) | undefined;

  /** Returns the error that ends the stream, if a part carried one. */
  const deliver = (parts: readonly StreamPart[]): GatewayError | undefined => {
    for (const part of parts) {
      if (part.type === "error") return part.error;
      if (part.type === "usage") usage = part.usage;
      if (opened) {
        sink.write(part);
      } else {
        pending.push(part);
        if (committingParts.has(part.type)) open();
      }
    }
    return undefined;
  };
  const open = (): void => {
    opened = true;
    cancelFirstToken?.();
    sink.open(route);
    for (const held of pending) sink.write(held);
    pending.length = 0;
    // The first content goes out at once, not after the rest of its upstream chunk: time to first byte.
    sink.flush();
  };

  return new Promise<RelayOutcome>((resolve, reject) => {
    const settle = (): void => {
      done = true;
      cancelFirstToken?.();
      cancelTotal?.();
    };
    const fail = (error: Error, upstreamStillOpen: boolean): void => {
      settle();
      if (upstreamStillOpen) answer.abort();
      if (!(error instanceof GatewayError) || !opened) {
        reject(error);
        return;
      }
      options.record(error.code);
      sink.end(error);
      resolve({ route, usage, failedAfterOpen: error });
    };

    const deadlines = options.deadlines;
    if (deadlines !== undefined) {
      const expire = (error: () => GatewayError) => (): void => {
        if (!done) fail(error(), true);
      };
      if (deadlines.firstTokenMs <= 0) return fail(deadlines.firstTokenError(), true);
      if (deadlines.totalMs <= 0) return fail(deadlines.totalError(), true);
      cancelFirstToken = deadlines.setTimer(deadlines.firstTokenMs, expire(deadlines.firstTokenError));
      if (Number.isFinite(deadlines.totalMs))
        cancelTotal = deadlines.setTimer(deadlines.totalMs, expire(deadlines.totalError));
    }

    answer.receive({
      data(chunk) {
        if (done) return false;
        try {
          for (const event of parser.push(chunk)) {
            const error = deliver(decoder.push(event));
            if (error !== undefined) {
              fail(error, true);
              return false;
            }
          }
        } catch (error) {
          fail(normalizeError(error), true);
          return false;
        }
        if (!opened || sink.flush()) return true;
        void sink.drain().then(() => {
          if (!done) answer.resume();
        });
        return false;
      },
      end() {
        if (done) return;
        try {
          for (const event of parser.end()) {
            const error = deliver(decoder.push(event));
            if (error !== undefined) return fail(error, false);
          }
          const error = deliver(decoder.end());
          if (error !== undefined) return fail(error, false);
          // A clean stream without content (only a finish, say) still reaches the client.
          if (!opened) open();
        } catch (error) {
          return fail(normalizeError(error), false);
        }
        settle();
        options.record(undefined);
        sink.end();
        resolve({ route, usage, failedAfterOpen: undefined });
      },
      error(error) {
        if (done) return;
        fail(classifyTransportError(error, route.candidate.provider.id, options.cancellation), false);
      },
    });
  });
}
