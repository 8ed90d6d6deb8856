import type { UpstreamErrorResponse } from "../codec.js";
import { ownEntry } from "../wire-json.js";
import type { ErrorCode } from "../../errors/codes.js";
import type { GatewayError } from "../../errors/gateway-error.js";
import { codeForHttpStatus, parseErrorBody, retryAfterSeconds, upstreamError } from "../upstream-error.js";
import { durationSeconds, isObject } from "./wire.js";

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

/** The error code of a Google error: its `status` name first, the HTTP status otherwise. */
export function googleErrorCode(wire: GoogleError | undefined, httpStatus: number): ErrorCode {
  // A bad API key is INVALID_ARGUMENT on the Gemini API, but it is this provider's credential.
  if (wire?.reason === "API_KEY_INVALID") return "upstream_auth_failed";
  const named = ownEntry(byStatus, wire?.status);
  return named ?? codeForHttpStatus(httpStatus);
}

/**
 * An upstream non-2xx answer of the Gemini API or Vertex AI → GatewayError. The wait comes from a
 * `Retry-After` header when one is sent, else from the `RetryInfo` detail Google puts in 429 bodies.
 * HTML pages from proxies are classified by status alone.
 * @see https://ai.google.dev/gemini-api/docs/troubleshooting#error-codes
 * @see https://cloud.google.com/apis/design/errors#error_model
 */
export function decodeGeminiError(response: UpstreamErrorResponse): GatewayError {
  const wire = readGoogleError(parseErrorBody(response.body));
  return upstreamError(response, googleErrorCode(wire, response.status), wire?.message, {
    retryAfterSeconds: retryAfterSeconds(response.headers) ?? wire?.retryDelaySeconds,
  });
}
