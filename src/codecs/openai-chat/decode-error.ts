import type { UpstreamErrorResponse } from "../codec.js";
import type { ErrorCode } from "../../errors/codes.js";
import { GatewayError, type GatewayErrorOptions } from "../../errors/gateway-error.js";
import { readWireError, type WireError } from "./wire.js";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

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

function isContentFilter(wire: WireError | undefined): boolean {
  return wire?.code === "content_filter" || wire?.innerCode === "ResponsibleAIPolicyViolation";
}

function classify(status: number, wire: WireError | undefined): ErrorCode {
  if (status === 400) return isContentFilter(wire) ? "upstream_content_filter" : "upstream_invalid_request";
  if (status === 401 || status === 403) return "upstream_auth_failed";
  if (status === 404) return "upstream_model_not_found";
  if (status === 408 || status === 504) return "upstream_timeout";
  if (status === 413) return "upstream_invalid_request";
  if (status === 429) {
    return wire?.code === "insufficient_quota" || wire?.type === "insufficient_quota"
      ? "upstream_rejected"
      : "upstream_rate_limited";
  }
  if (status === 503 || status === 529) return "upstream_unavailable";
  if (status >= 500) return "upstream_server_error";
  // 402, 405, 409, 410, 415, 422…: this offering will not serve the request; another may.
  if (status >= 400) return "upstream_rejected";
  return "upstream_bad_response";
}

/**
 * An upstream non-2xx answer → GatewayError, keeping the upstream's message and `param`.
 * HTML error pages from proxies and load balancers are classified by status alone.
 * @see https://platform.openai.com/docs/guides/error-codes
 */
export function decodeOpenAIError(response: UpstreamErrorResponse): GatewayError {
  let wire: WireError | undefined;
  try {
    wire = readWireError(JSON.parse(response.body) as unknown);
  } catch {
    wire = undefined;
  }
  const code = classify(response.status, wire);
  const message =
    wire?.message ??
    `${response.provider} answered HTTP ${response.status}${wire === undefined ? " with no error details" : ""}`;
  const options: Mutable<GatewayErrorOptions> = {
    upstreamStatus: response.status,
    provider: response.provider,
  };
  if (wire?.param !== undefined) options.param = wire.param;
  const wait = retryAfterSeconds(response.headers);
  if (wait !== undefined) options.retryAfterSeconds = wait;
  return new GatewayError(code, message, options);
}
