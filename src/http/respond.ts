import type { ServerResponse } from "node:http";
import type { GatewayError } from "../errors/gateway-error.js";
import { encodeError as encodeAnthropicError } from "../ingress/anthropic/encode-error.js";
import { encodeError } from "../ingress/openai/encode-error.js";

/**
 * Writes a JSON response; the body is serialised once and sent with its length.
 * `headers` is a flat `[name, value, …]` list handed to `writeHead` in one call: no `setHeader`
 * bookkeeping per header, which showed in the hot path's profile.
 */
export function sendJson(response: ServerResponse, status: number, body: unknown, headers: string[]): void {
  const text = JSON.stringify(body);
  headers.push("content-type", "application/json", "content-length", String(Buffer.byteLength(text)));
  response.writeHead(status, headers);
  response.end(text);
}

/** Writes an error in OpenAI's envelope, with Retry-After when the upstream asked for one. */
export function sendOpenAIError(response: ServerResponse, error: GatewayError, headers: string[]): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  if (error.retryAfterSeconds !== undefined)
    headers.push("retry-after", String(Math.ceil(error.retryAfterSeconds)));
  if (error.headers.length > 0) headers.push(...error.headers);
  // No `Connection: close` for body_too_large: the refused body is drained first (see body.ts), and
  // closing while it still arrives would reset the connection before the client reads this answer.
  if (error.code === "shutting_down") headers.push("connection", "close");
  sendJson(response, error.status, encodeError(error), headers);
}

/**
 * Writes an error in Anthropic's envelope (for `/v1/messages…`), with Retry-After when the upstream
 * asked for one and Anthropic's `request-id` header beside `x-request-id`.
 */
export function sendAnthropicError(
  response: ServerResponse,
  error: GatewayError,
  headers: string[],
  requestId: string,
): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  if (error.retryAfterSeconds !== undefined)
    headers.push("retry-after", String(Math.ceil(error.retryAfterSeconds)));
  if (error.headers.length > 0) headers.push(...error.headers);
  // No `Connection: close` for body_too_large: the refused body is drained first (see body.ts), and
  // closing while it still arrives would reset the connection before the client reads this answer.
  if (error.code === "shutting_down") headers.push("connection", "close");
  if (!headers.includes("request-id")) headers.push("request-id", requestId);
  sendJson(response, error.status, encodeAnthropicError(error, requestId), headers);
}
