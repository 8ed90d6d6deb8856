import type { UpstreamErrorResponse } from "../codec.js";
import type { ErrorCode } from "../../errors/codes.js";
import type { GatewayError } from "../../errors/gateway-error.js";
import { parseErrorBody, upstreamError } from "../upstream-error.js";

export { retryAfterSeconds } from "../upstream-error.js";
import { readWireError, type WireError } from "./wire.js";

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
  const wire = readWireError(parseErrorBody(response.body));
  return upstreamError(response, classify(response.status, wire), wire?.message, { param: wire?.param });
}
