import type { ErrorCode } from "../../errors/codes.js";
import type { GatewayError } from "../../errors/gateway-error.js";

/** Anthropic's error types, as the official SDKs and clients read them. */
export type AnthropicErrorType =
  | "invalid_request_error"
  | "authentication_error"
  | "billing_error"
  | "permission_error"
  | "not_found_error"
  | "request_too_large"
  | "rate_limit_error"
  | "timeout_error"
  | "api_error"
  | "overloaded_error";

/**
 * Anthropic's error envelope. `details` follows the shape Anthropic uses for its spend-limit errors
 * (`error.details.error_code`) to carry the gateway's stable code and the field at fault; clients that
 * do not know it ignore it.
 */
export interface AnthropicErrorBody {
  readonly type: "error";
  readonly error: {
    readonly type: AnthropicErrorType;
    readonly message: string;
    readonly details: { readonly error_code: ErrorCode; readonly param?: string };
  };
  readonly request_id?: string;
}

/** HTTP status → Anthropic error type; other 4xx are `invalid_request_error`, other 5xx `api_error`. */
export function anthropicErrorType(status: number): AnthropicErrorType {
  switch (status) {
    case 401:
      return "authentication_error";
    case 402:
      return "billing_error";
    case 403:
      return "permission_error";
    case 404:
      return "not_found_error";
    case 413:
      return "request_too_large";
    case 429:
      return "rate_limit_error";
    case 503:
    case 529:
      return "overloaded_error";
    case 504:
      return "timeout_error";
    default:
      return status >= 500 ? "api_error" : "invalid_request_error";
  }
}

/**
 * A GatewayError → `{"type":"error","error":{"type","message"},"request_id"}`, typed by its HTTP status.
 * @see https://docs.claude.com/en/api/errors
 */
export function encodeError(error: GatewayError, requestId?: string): AnthropicErrorBody {
  const details: { error_code: ErrorCode; param?: string } = { error_code: error.code };
  if (error.param !== undefined) details.param = error.param;
  const body: { -readonly [K in keyof AnthropicErrorBody]: AnthropicErrorBody[K] } = {
    type: "error",
    error: { type: anthropicErrorType(error.status), message: error.message, details },
  };
  if (requestId !== undefined) body.request_id = requestId;
  return body;
}
