import type { ServerResponse } from "node:http";
import type { AttemptRecord, ChatStreamSink, Route } from "../engine/executor.js";
import type { StreamPart } from "../core/stream-part.js";
import type { GatewayError } from "../errors/gateway-error.js";
import { createEventEncoder, type EventEncoderContext } from "../ingress/anthropic/encode-messages-stream.js";
import { addRouteHeaders } from "./route-headers.js";

/** Writes a canonical stream to an Anthropic client as Messages API server-sent events. */
export class AnthropicSseSink implements ChatStreamSink {
  readonly #response: ServerResponse;
  readonly #attempts: readonly AttemptRecord[];
  readonly #headers: string[];
  readonly #encoder: ReturnType<typeof createEventEncoder>;
  /** Encoded events not yet written: one socket write per upstream chunk, not per event. */
  #pending = "";

  constructor(
    response: ServerResponse,
    attempts: readonly AttemptRecord[],
    headers: string[],
    context: EventEncoderContext,
  ) {
    this.#response = response;
    this.#attempts = attempts;
    this.#headers = headers;
    this.#encoder = createEventEncoder(context);
  }

  open(route: Route): void {
    const headers = addRouteHeaders(this.#headers, route, this.#attempts.length + 1);
    headers.push("content-type", "text/event-stream; charset=utf-8", "cache-control", "no-cache");
    this.#response.writeHead(200, headers);
  }

  write(part: StreamPart): void {
    this.#pending += this.#encoder.encode(part);
  }

  flush(): boolean {
    if (this.#pending === "") return true;
    const text = this.#pending;
    this.#pending = "";
    return this.#response.write(text);
  }

  drain(): Promise<void> {
    const response = this.#response;
    if (response.destroyed || !response.writableNeedDrain) return Promise.resolve();
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
    if (this.#response.destroyed) return;
    const rest = this.#pending;
    this.#pending = "";
    this.#response.end(rest + (error === undefined ? this.#encoder.end() : this.#encoder.error(error)));
  }
}
