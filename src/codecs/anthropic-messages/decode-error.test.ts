import { describe, expect, it } from "vitest";
import { decodeAnthropicError } from "./decode-error.js";

function decode(status: number, body: unknown, headers: Record<string, string> = {}) {
  return decodeAnthropicError({
    status,
    headers,
    body: typeof body === "string" ? body : JSON.stringify(body),
    provider: "anthropic",
  });
}

const envelope = (type: string, message: string, extra: Record<string, unknown> = {}) => ({
  type: "error",
  error: { type, message, ...extra },
  request_id: "req_011CTest",
});

describe("anthropic-messages decodeError", () => {
  it.each([
    [400, "invalid_request_error", "upstream_invalid_request", "stop"],
    [413, "request_too_large", "upstream_invalid_request", "stop"],
    [401, "authentication_error", "upstream_auth_failed", "next"],
    [403, "permission_error", "upstream_auth_failed", "next"],
    [402, "billing_error", "upstream_rejected", "next"],
    [404, "not_found_error", "upstream_model_not_found", "next"],
    [429, "rate_limit_error", "upstream_rate_limited", "retry"],
    [500, "api_error", "upstream_server_error", "retry"],
    [504, "timeout_error", "upstream_timeout", "retry"],
    [529, "overloaded_error", "upstream_unavailable", "retry"],
  ])("HTTP %i %s → %s (%s)", (status, type, code, failover) => {
    const error = decode(status, envelope(type, `the ${type}`));
    expect(error.code).toBe(code);
    expect(error.failover).toBe(failover);
    // A credential refusal keeps the upstream's words for the log only (issue 10, defect 6).
    expect(code === "upstream_auth_failed" ? error.detail : error.message).toBe(`the ${type}`);
    expect(error.upstreamStatus).toBe(status);
    expect(error.provider).toBe("anthropic");
  });

  it("429 keeps retry-after; a spend limit is not worth waiting for", () => {
    const limited = decode(429, envelope("rate_limit_error", "slow down"), { "retry-after": "7" });
    expect(limited.code).toBe("upstream_rate_limited");
    expect(limited.retryAfterSeconds).toBe(7);
    const spent = decode(
      429,
      envelope("rate_limit_error", "spend limit", {
        details: { error_code: "enforced_spend_limit_reached" },
      }),
    );
    expect(spent.code).toBe("upstream_rejected");
  });

  it("Google's envelope (Claude on Vertex) and non-JSON bodies are classified by status", () => {
    const vertex = decode(429, {
      error: { code: 429, message: "Quota exceeded", status: "RESOURCE_EXHAUSTED" },
    });
    expect(vertex.code).toBe("upstream_rate_limited");
    expect(vertex.message).toBe("Quota exceeded");
    const html = decode(502, "<html>Bad Gateway</html>");
    expect(html.code).toBe("upstream_server_error");
    expect(html.message).toBe("anthropic answered HTTP 502 with no error details");
  });
});
