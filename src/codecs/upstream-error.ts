import type { ErrorCode } from "../errors/codes.js";
import { GatewayError, type GatewayErrorOptions } from "../errors/gateway-error.js";
import type { UpstreamErrorResponse } from "./codec.js";

/** Shared by every codec's `decodeError`: what an upstream's error answer has in common across clouds. */

/** An error body as JSON, or undefined when it is not JSON (an HTML page from a proxy, say). */
export function parseErrorBody(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

function header(headers: UpstreamErrorResponse["headers"], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Seconds the upstream asks us to wait: `retry-after-ms`, else `retry-after` as seconds or an HTTP
 * date. A date is measured against the response's own `Date` header, which keeps this function
 * free of the clock; without one the date is ignored.
 * @see https://www.rfc-editor.org/rfc/rfc9110#field.retry-after
 */
export function retryAfterSeconds(headers: UpstreamErrorResponse["headers"]): number | undefined {
  const ms = header(headers, "retry-after-ms");
  if (ms !== undefined && ms.trim() !== "") {
    const value = Number(ms);
    if (Number.isFinite(value) && value >= 0) return value / 1000;
  }
  const after = header(headers, "retry-after")?.trim();
  if (after === undefined || after === "") return undefined;
  const seconds = Number(after);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds : undefined;
  const at = Date.parse(after);
  const now = Date.parse(header(headers, "date") ?? "");
  if (Number.isNaN(at) || Number.isNaN(now)) return undefined;
  return Math.max(0, (at - now) / 1000);
}

/** The code an HTTP status means when the body says nothing more (or is not the cloud's JSON). */
export function codeForHttpStatus(status: number): ErrorCode {
  if (status === 400 || status === 413) return "upstream_invalid_request";
  if (status === 401 || status === 403) return "upstream_auth_failed";
  if (status === 404) return "upstream_model_not_found";
  if (status === 408 || status === 504) return "upstream_timeout";
  if (status === 429) return "upstream_rate_limited";
  if (status === 503 || status === 529) return "upstream_unavailable";
  if (status >= 500) return "upstream_server_error";
  // 402, 405, 409, 410, 415, 422…: this offering will not serve the request; another may.
  if (status >= 400) return "upstream_rejected";
  return "upstream_bad_response";
}

/**
 * The GatewayError for an upstream's error answer: the upstream's own message when it gave one, its
 * status and provider, and how long it asked to wait (a `Retry-After` header unless the body said).
 * A refusal of the gateway's own credentials is the operator's problem, and its text can quote the key
 * (`Incorrect API key provided: sk-****abcd`): the client's message only names the provider, and the
 * upstream's words travel in `detail`, which only the log sees.
 */
export function upstreamError(
  response: UpstreamErrorResponse,
  code: ErrorCode,
  message: string | undefined,
  extra: { readonly param?: string | undefined; readonly retryAfterSeconds?: number | undefined } = {},
): GatewayError {
  const options: { -readonly [K in keyof GatewayErrorOptions]: GatewayErrorOptions[K] } = {
    upstreamStatus: response.status,
    provider: response.provider,
  };
  const wait = extra.retryAfterSeconds ?? retryAfterSeconds(response.headers);
  if (wait !== undefined) options.retryAfterSeconds = wait;
  const text = message ?? `${response.provider} answered HTTP ${response.status} with no error details`;
  if (code === "upstream_auth_failed") {
    options.detail = text;
    return new GatewayError(code, authFailedMessage(response.provider, response.status), options);
  }
  if (extra.param !== undefined) options.param = extra.param;
  return new GatewayError(code, text, options);
}

/** What a client is told when a provider refuses the gateway's credentials: who, not what it said. */
export function authFailedMessage(provider: string, status: number | undefined): string {
  const answered = status === undefined ? "" : ` (HTTP ${status})`;
  return `${provider} refused the gateway's credentials${answered}; this is a gateway configuration problem, and the provider's message is in the gateway's log`;
}
