import type { ServerResponse } from "node:http";
import type { GatewayError } from "../errors/gateway-error.js";
import { encodeError } from "../ingress/openai/encode-error.js";

/** Writes a JSON response; the body is serialised once and sent with its length. */
export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers?: Readonly<Record<string, string>>,
): void {
  const text = JSON.stringify(body);
  response.statusCode = status;
  if (headers !== undefined) for (const name in headers) response.setHeader(name, headers[name] as string);
  response.setHeader("content-type", "application/json");
  response.setHeader("content-length", Buffer.byteLength(text));
  response.end(text);
}

/** Writes an error in OpenAI's envelope, with Retry-After when the upstream asked for one. */
export function sendOpenAIError(response: ServerResponse, error: GatewayError): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  if (error.retryAfterSeconds !== undefined)
    response.setHeader("retry-after", String(Math.ceil(error.retryAfterSeconds)));
  if (error.code === "body_too_large") response.setHeader("connection", "close");
  sendJson(response, error.status, encodeError(error));
}
