import type { UpstreamErrorResponse } from "../codec.js";
import type { ErrorCode } from "../../errors/codes.js";
import { GatewayError, type GatewayErrorOptions } from "../../errors/gateway-error.js";
import { retryAfterSeconds } from "../openai-chat/decode-error.js";
import { durationSeconds, isObject } from "./wire.js";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Google's error envelope `{"error":{"code","message","status","details"}}` (Vertex may wrap it in an array). */
export interface GoogleError {
  readonly httpCode: number | undefined;
  readonly message: string | undefined;
  readonly status: string | undefined;
  /** `google.rpc.ErrorInfo.reason`, e.g. `API_KEY_INVALID`. */
  readonly reason: string | undefined;
  /** `google.rpc.RetryInfo.retryDelay` in seconds. */
  readonly retryDelaySeconds: number | undefined;
}

export function readGoogleError(body: unknown): GoogleError | undefined {
  const root = Array.isArray(body) ? (body[0] as unknown) : body;
  if (!isObject(root) || !isObject(root["error"])) return undefined;
  const error = root["error"];
  let reason: string | undefined;
  let retryDelaySeconds: number | undefined;
  if (Array.isArray(error["details"])) {
    for (const detail of error["details"] as unknown[]) {
      if (!isObject(detail)) continue;
      const type = detail["@type"];
      if (typeof type !== "string") continue;
      if (type.endsWith("google.rpc.ErrorInfo") && typeof detail["reason"] === "string")
        reason = detail["reason"];
      if (type.endsWith("google.rpc.RetryInfo")) retryDelaySeconds = durationSeconds(detail["retryDelay"]);
    }
  }
  return {
    httpCode: typeof error["code"] === "number" ? error["code"] : undefined,
    message: typeof error["message"] === "string" && error["message"] !== "" ? error["message"] : undefined,
    status: typeof error["status"] === "string" ? error["status"] : undefined,
    reason,
    retryDelaySeconds,
  };
}

/** Google's canonical status names → error codes. */
const byStatus: Readonly<Record<string, ErrorCode>> = {
  INVALID_ARGUMENT: "upstream_invalid_request",
  OUT_OF_RANGE: "upstream_invalid_request",
  // "User location is not supported", billing not enabled: this provider cannot serve; another may.
  FAILED_PRECONDITION: "upstream_rejected",
  UNAUTHENTICATED: "upstream_auth_failed",
  PERMISSION_DENIED: "upstream_auth_failed",
  NOT_FOUND: "upstream_model_not_found",
  RESOURCE_EXHAUSTED: "upstream_rate_limited",
  UNAVAILABLE: "upstream_unavailable",
  DEADLINE_EXCEEDED: "upstream_timeout",
  INTERNAL: "upstream_server_error",
  UNKNOWN: "upstream_server_error",
  DATA_LOSS: "upstream_server_error",
  ABORTED: "upstream_server_error",
  CANCELLED: "upstream_server_error",
  UNIMPLEMENTED: "upstream_rejected",
  ALREADY_EXISTS: "upstream_rejected",
};

function byHttpStatus(status: number): ErrorCode {
  if (status === 400 || status === 413) return "upstream_invalid_request";
  if (status === 401 || status === 403) return "upstream_auth_failed";
  if (status === 404) return "upstream_model_not_found";
  if (status === 408 || status === 504) return "upstream_timeout";
  if (status === 429) return "upstream_rate_limited";
  if (status === 503) return "upstream_unavailable";
  if (status >= 500) return "upstream_server_error";
  if (status >= 400) return "upstream_rejected";
  return "upstream_bad_response";
}

/** The error code of a Google error: its `status` name first, the HTTP status otherwise. */
export function googleErrorCode(wire: GoogleError | undefined, httpStatus: number): ErrorCode {
  // A bad API key is INVALID_ARGUMENT on the Gemini API, but it is this provider's credential.
  if (wire?.reason === "API_KEY_INVALID") return "upstream_auth_failed";
  const named = wire?.status === undefined ? undefined : byStatus[wire.status];
  return named ?? byHttpStatus(httpStatus);
}

/**
 * An upstream non-2xx answer of the Gemini API or Vertex AI → GatewayError. The wait comes from a
 * `Retry-After` header when one is sent, else from the `RetryInfo` detail Google puts in 429 bodies.
 * HTML pages from proxies are classified by status alone.
 * @see https://ai.google.dev/gemini-api/docs/troubleshooting#error-codes
 * @see https://cloud.google.com/apis/design/errors#error_model
 */
export function decodeGeminiError(response: UpstreamErrorResponse): GatewayError {
  let wire: GoogleError | undefined;
  try {
    wire = readGoogleError(JSON.parse(response.body) as unknown);
  } catch {
    wire = undefined;
  }
  const code = googleErrorCode(wire, response.status);
  const message =
    wire?.message ??
    `${response.provider} answered HTTP ${response.status}${wire === undefined ? " with no error details" : ""}`;
  const options: Mutable<GatewayErrorOptions> = {
    upstreamStatus: response.status,
    provider: response.provider,
  };
  const wait = retryAfterSeconds(response.headers) ?? wire?.retryDelaySeconds;
  if (wait !== undefined) options.retryAfterSeconds = wait;
  return new GatewayError(code, message, options);
}
