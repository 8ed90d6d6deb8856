/**
 * The error code table: every error Switchyard returns has one of these stable codes.
 * Codes are never reused or renamed; `docs/errors.md` documents each one (a test keeps them in sync).
 *
 * `failover` says what the executor does when an attempt fails with this code:
 * - `retry`: transient at this offering; retry it if the policy allows, otherwise try the next one.
 * - `next`: this offering cannot serve the request (its credentials, its model); try the next one.
 * - `stop`: the client's own error; return it at once, try nowhere else.
 */
export const errorCodes = {
  // The client's request.
  invalid_json: { status: 400, type: "invalid_request_error", failover: "stop" },
  invalid_request: { status: 400, type: "invalid_request_error", failover: "stop" },
  missing_required_parameter: { status: 400, type: "invalid_request_error", failover: "stop" },
  unsupported_parameter: { status: 400, type: "invalid_request_error", failover: "stop" },
  unsupported_media_type: { status: 415, type: "invalid_request_error", failover: "stop" },
  body_too_large: { status: 413, type: "invalid_request_error", failover: "stop" },
  invalid_api_key: { status: 401, type: "authentication_error", failover: "stop" },
  key_revoked: { status: 401, type: "authentication_error", failover: "stop" },
  key_expired: { status: 401, type: "authentication_error", failover: "stop" },
  // Governance: the key's or tenant's own caps.
  rate_limit_exceeded: { status: 429, type: "requests", failover: "stop" },
  budget_exceeded: { status: 429, type: "insufficient_quota", failover: "stop" },
  permission_denied: { status: 403, type: "permission_error", failover: "stop" },
  model_not_found: { status: 404, type: "invalid_request_error", failover: "stop" },
  route_not_found: { status: 404, type: "invalid_request_error", failover: "stop" },
  method_not_allowed: { status: 405, type: "invalid_request_error", failover: "stop" },
  // Refused by the HTTP server before a route saw the request (Node's parser, timeouts, connection caps).
  malformed_request: { status: 400, type: "invalid_request_error", failover: "stop" },
  request_timeout: { status: 408, type: "invalid_request_error", failover: "stop" },
  headers_too_large: { status: 431, type: "invalid_request_error", failover: "stop" },
  too_many_connections: { status: 429, type: "rate_limit_error", failover: "stop" },
  not_found: { status: 404, type: "invalid_request_error", failover: "stop" },
  response_not_found: { status: 404, type: "invalid_request_error", failover: "stop" },
  previous_response_not_found: { status: 400, type: "invalid_request_error", failover: "stop" },

  // What the upstream said or did.
  upstream_invalid_request: { status: 400, type: "invalid_request_error", failover: "stop" },
  upstream_content_filter: { status: 400, type: "invalid_request_error", failover: "stop" },
  upstream_rate_limited: { status: 429, type: "rate_limit_error", failover: "retry" },
  upstream_timeout: { status: 504, type: "server_error", failover: "retry" },
  upstream_unavailable: { status: 503, type: "server_error", failover: "retry" },
  upstream_server_error: { status: 502, type: "server_error", failover: "retry" },
  upstream_connection_failed: { status: 502, type: "server_error", failover: "retry" },
  upstream_bad_response: { status: 502, type: "server_error", failover: "retry" },
  upstream_stream_error: { status: 502, type: "server_error", failover: "retry" },
  upstream_stream_truncated: { status: 502, type: "server_error", failover: "retry" },
  upstream_auth_failed: { status: 502, type: "server_error", failover: "next" },
  upstream_model_not_found: { status: 502, type: "server_error", failover: "next" },
  upstream_rejected: { status: 502, type: "server_error", failover: "next" },
  upstream_response_too_large: { status: 502, type: "server_error", failover: "next" },

  // The gateway itself.
  no_offering_available: { status: 503, type: "server_error", failover: "stop" },
  no_offering_in_boundary: { status: 403, type: "permission_error", failover: "stop" },
  no_offering_in_overrides: { status: 400, type: "invalid_request_error", failover: "stop" },
  shutting_down: { status: 503, type: "server_error", failover: "stop" },
  governance_unavailable: { status: 503, type: "server_error", failover: "stop" },
  internal_error: { status: 500, type: "server_error", failover: "stop" },
} as const satisfies Record<string, ErrorCodeInfo>;

export interface ErrorCodeInfo {
  readonly status: number;
  /** The OpenAI error `type` a client sees. */
  readonly type: string;
  readonly failover: "retry" | "next" | "stop";
}

export type ErrorCode = keyof typeof errorCodes;

export function isErrorCode(value: string): value is ErrorCode {
  return Object.hasOwn(errorCodes, value);
}
