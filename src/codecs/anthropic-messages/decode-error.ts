import type { UpstreamErrorResponse } from "../codec.js";
import type { ErrorCode } from "../../errors/codes.js";
import type { GatewayError } from "../../errors/gateway-error.js";
import { parseErrorBody, upstreamError } from "../upstream-error.js";
import { codeForErrorType, readWireError, type AnthropicWireError } from "./wire.js";

/**
 * Status first (it is what proxies and Vertex keep), `error.type` where a status is ambiguous.
 * @see https://docs.anthropic.com/en/api/errors
 */
function classify(status: number, wire: AnthropicWireError | undefined): ErrorCode {
  if (status === 400 || status === 413) return "upstream_invalid_request";
  if (status === 401 || status === 403) return "upstream_auth_failed";
  if (status === 404) return "upstream_model_not_found";
  if (status === 408 || status === 504) return "upstream_timeout";
  if (status === 429) {
    // A spend limit will not lift by waiting: another offering may serve the request.
    return wire?.detailCode?.includes("spend_limit") === true ? "upstream_rejected" : "upstream_rate_limited";
  }
  if (status === 503 || status === 529) return "upstream_unavailable";
  if (status >= 500) return codeForErrorType(wire?.type) ?? "upstream_server_error";
  // 402 billing_error, 409, 422…: this offering will not serve the request; another may.
  if (status >= 400) return "upstream_rejected";
  return "upstream_bad_response";
}

/**
 * An Anthropic non-2xx answer (`{"type":"error","error":{"type","message"},"request_id"}`) →
 * GatewayError, keeping the upstream's message and its `retry-after`.
 * @see https://docs.anthropic.com/en/api/errors
 */
export function decodeAnthropicError(response: UpstreamErrorResponse): GatewayError {
  const wire = readWireError(parseErrorBody(response.body));
  return upstreamError(response, classify(response.status, wire), wire?.message);
}
