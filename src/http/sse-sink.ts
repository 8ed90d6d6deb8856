import type { ServerResponse } from "node:http";
import type { StreamPart } from "../core/stream-part.js";
import type { AttemptRecord, ChatStreamSink, Route } from "../engine/executor.js";
import type { GatewayError } from "../errors/gateway-error.js";
import { addRouteHeaders } from "./route-headers.js";

/** Canonical parts → one client dialect's server-sent events (OpenAI chunks, Anthropic's named events). */
export interface SseEncoder {
  encode(part: StreamPart): string;
  /** The events that close a stream that ended well. */
  end(): string;
  /** The event that ends a stream the upstream broke after its first byte. */
  error(error: GatewayError): string;
}

/**
 * The streams whose headers are out and whose end is not written yet, by response: at the end of a
 * shutdown's grace the server ends each with an in-stream `shutting_down` error before it closes the
 * connections (a cut socket would reach the SDKs as `TypeError: terminated`). Only streams are
 * registered, once each, so a plain request pays nothing for it.
 */
const openStreams = new WeakMap<ServerResponse, SseSink>();

/** Ends `response`'s stream with an in-stream error, if it is an open stream; says whether it was. */
export function endOpenStream(response: ServerResponse, error: GatewayError): boolean {
  const sink = openStreams.get(response);
  if (sink === undefined) return false;
  sink.end(error);
  return true;
}

/**
 * Writes a canonical stream to a client as server-sent events, in whatever dialect its encoder speaks:
 * status and headers at `open`, encoded events batched into one socket write per upstream chunk, and
 * backpressure through `flush`/`drain`.
 */
export class SseSink implements ChatStreamSink {
  readonly #response: ServerResponse;
  readonly #attempts: readonly AttemptRecord[];
  readonly #headers: string[];
  readonly #encoder: SseEncoder;
  /** Encoded events not yet written: one socket write per upstream chunk, not per event. */
  #pending = "";
  /** The end is written: whatever the relay still sends (after a shutdown ended it) goes nowhere. */
  #ended = false;

  constructor(
    response: ServerResponse,
    attempts: readonly AttemptRecord[],
    headers: string[],
    encoder: SseEncoder,
  ) {
    this.#response = response;
    this.#attempts = attempts;
    this.#headers = headers;
    this.#encoder = encoder;
  }

  open(route: Route): void {
    const headers = addRouteHeaders(this.#headers, route, this.#attempts.length + 1);
    headers.push("content-type", "text/event-stream; charset=utf-8", "cache-control", "no-cache");
    this.#response.writeHead(200, headers);
    openStreams.set(this.#response, this);
  }

  write(part: StreamPart): void {
    if (this.#ended) return;
    this.#pending += this.#encoder.encode(part);
  }

  flush(): boolean {
    if (this.#pending === "" || this.#ended) return true;
    const text = this.#pending;
    this.#pending = "";
    return this.#response.write(text);
  }

  drain(): Promise<void> {
    const response = this.#response;
    if (this.#ended || response.destroyed || !response.writableNeedDrain) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        response.off("drain", done);
        response.off("close", done);
        resolve();
      };
      response.on("drain", done);
      response.on("close", done);
    });
  }

  end(error?: GatewayError): void {
    if (this.#ended || this.#response.destroyed) return;
    this.#ended = true;
    openStreams.delete(this.#response);
    const rest = this.#pending;
    this.#pending = "";
    this.#response.end(rest + (error === undefined ? this.#encoder.end() : this.#encoder.error(error)));
  }
}
