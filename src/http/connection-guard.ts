import { STATUS_CODES, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { GatewayError } from "../errors/gateway-error.js";
import { encodeError } from "../ingress/openai/encode-error.js";
import { answeredEarly } from "./body.js";

/**
 * What the HTTP server refuses before any route sees a request — an unparsable request, headers over
 * Node's limit, a request that did not arrive in time, one connection too many — answered in OpenAI's
 * envelope with a stable code rather than Node's empty-bodied 400/408/431, and the connection closed.
 */

/** A complete `Connection: close` HTTP/1.1 answer carrying `error` in OpenAI's envelope. */
export function refusalBytes(error: GatewayError): string {
  const body = JSON.stringify(encodeError(error));
  return (
    `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status] ?? "Error"}\r\n` +
    `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
    `Connection: close\r\n\r\n${body}`
  );
}

/** The refusal for an error Node's HTTP parser or its timeouts raised on a connection. */
export function clientErrorRefusal(error: NodeJS.ErrnoException): GatewayError {
  switch (error.code) {
    case "HPE_HEADER_OVERFLOW":
      return new GatewayError(
        "headers_too_large",
        "The request's headers are larger than the gateway accepts (16 KiB in all).",
      );
    case "ERR_HTTP_REQUEST_TIMEOUT":
      return new GatewayError(
        "request_timeout",
        "The request did not arrive in time (server.headers_timeout_ms for its headers, server.request_timeout_ms for all of it).",
      );
    default:
      return new GatewayError(
        "malformed_request",
        `The HTTP request could not be parsed (${error.code ?? "malformed"}${error.message === "" ? "" : `: ${error.message}`}).`,
      );
  }
}

/** Node's `clientError` handler: answer what can still be answered, then close. */
export function refuseClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  // The client went away: nobody is left to read an answer.
  if (error.code === "ECONNRESET" || error.code === "EPIPE" || !socket.writable) {
    socket.destroy();
    return;
  }
  // Node's own default handler makes the same check: an answer already under way cannot be replaced.
  const current = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
  if (current?.headersSent === true || answeredEarly.has(socket)) {
    socket.destroy();
    return;
  }
  socket.end(refusalBytes(clientErrorRefusal(error)));
  // A peer that never closes its side is not waited for.
  setTimeout(() => socket.destroy(), 1_000).unref();
}

/** Counts open connections per client address and admits at most `limit` of them at a time. */
export class ConnectionLimiter {
  readonly #limit: number;
  readonly #open = new Map<string, number>();

  constructor(limit: number) {
    this.#limit = limit;
  }

  /** Admits `socket` (and counts it until it closes), or says that its address is at the limit. */
  admit(socket: Socket): boolean {
    const address = socket.remoteAddress ?? "";
    const count = this.#open.get(address) ?? 0;
    if (count >= this.#limit) return false;
    this.#open.set(address, count + 1);
    socket.once("close", () => {
      const left = (this.#open.get(address) ?? 1) - 1;
      if (left === 0) this.#open.delete(address);
      else this.#open.set(address, left);
    });
    return true;
  }
}
