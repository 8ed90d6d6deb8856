import { describe, expect, it } from "vitest";
import type { UpstreamErrorResponse } from "../codec.js";
import { decodeOpenAIError, retryAfterSeconds } from "./decode-error.js";

function answer(
  status: number,
  body: unknown,
  headers: UpstreamErrorResponse["headers"] = {},
): UpstreamErrorResponse {
  return { status, headers, body: typeof body === "string" ? body : JSON.stringify(body), provider: "p1" };
}

const openaiError = (code: string | null, message = "m", type = "invalid_request_error") => ({
  error: { message, type, param: null, code },
});

describe("openai-chat decodeError", () => {
  it.each([
    [400, openaiError(null), "upstream_invalid_request"],
    [
      400,
      { error: { code: "content_filter", message: "filtered", param: "prompt", status: 400 } },
      "upstream_content_filter",
    ],
    [
      401,
      { error: { code: "401", message: "Access denied due to invalid subscription key" } },
      "upstream_auth_failed",
    ],
    [403, openaiError("unsupported_country_region_territory"), "upstream_auth_failed"],
    [
      404,
      { error: { code: "DeploymentNotFound", message: "The API deployment does not exist" } },
      "upstream_model_not_found",
    ],
    [408, openaiError(null), "upstream_timeout"],
    [409, openaiError(null), "upstream_rejected"],
    [413, openaiError(null), "upstream_invalid_request"],
    [422, openaiError(null), "upstream_rejected"],
    [429, openaiError("rate_limit_exceeded", "m", "requests"), "upstream_rate_limited"],
    [429, openaiError("insufficient_quota", "m", "insufficient_quota"), "upstream_rejected"],
    [500, openaiError(null, "m", "server_error"), "upstream_server_error"],
    [502, "<html><body>Bad gateway</body></html>", "upstream_server_error"],
    [503, "", "upstream_unavailable"],
    [504, "<html>Gateway Timeout</html>", "upstream_timeout"],
    [529, openaiError(null), "upstream_unavailable"],
  ])("HTTP %i %j → %s", (status, body, code) => {
    const error = decodeOpenAIError(answer(status, body));
    expect(error.code).toBe(code);
    expect(error.upstreamStatus).toBe(status);
    expect(error.provider).toBe("p1");
    expect(error.message.length).toBeGreaterThan(0);
  });

  it("keeps the upstream's message and param", () => {
    const error = decodeOpenAIError(
      answer(400, {
        error: {
          message: "bad temperature",
          type: "invalid_request_error",
          param: "temperature",
          code: null,
        },
      }),
    );
    expect(error.message).toBe("bad temperature");
    expect(error.param).toBe("temperature");
  });

  it("names the provider and status when the body is an HTML page", () => {
    expect(decodeOpenAIError(answer(502, "<html>oops</html>")).message).toBe(
      "p1 answered HTTP 502 with no error details",
    );
  });

  it("reads retry-after-ms, retry-after seconds and an HTTP date against the Date header", () => {
    expect(retryAfterSeconds({ "retry-after-ms": "1500", "retry-after": "9" })).toBe(1.5);
    expect(retryAfterSeconds({ "retry-after": "7" })).toBe(7);
    expect(retryAfterSeconds({ "retry-after": ["3", "4"] })).toBe(3);
    expect(
      retryAfterSeconds({
        "retry-after": "Wed, 21 Oct 2015 07:28:30 GMT",
        date: "Wed, 21 Oct 2015 07:28:00 GMT",
      }),
    ).toBe(30);
    expect(retryAfterSeconds({ "retry-after": "Wed, 21 Oct 2015 07:28:30 GMT" })).toBeUndefined();
    expect(retryAfterSeconds({ "retry-after": "soon" })).toBeUndefined();
    expect(retryAfterSeconds({})).toBeUndefined();
    const error = decodeOpenAIError(answer(429, openaiError("rate_limit_exceeded"), { "retry-after": "20" }));
    expect(error.retryAfterSeconds).toBe(20);
  });
});
