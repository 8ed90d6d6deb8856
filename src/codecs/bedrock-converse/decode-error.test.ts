import { describe, expect, it } from "vitest";
import { decodeBedrockError } from "./decode-error.js";

function decode(
  status: number,
  errorType: string | undefined,
  body: unknown,
  extra: Record<string, string> = {},
) {
  return decodeBedrockError({
    status,
    headers: {
      "content-type": "application/json",
      ...(errorType === undefined ? {} : { "x-amzn-errortype": errorType }),
      ...extra,
    },
    body: typeof body === "string" ? body : JSON.stringify(body),
    provider: "aws-us-east-1",
  });
}

describe("decodeBedrockError", () => {
  it.each([
    [400, "ValidationException", "upstream_invalid_request", "stop"],
    [403, "AccessDeniedException", "upstream_auth_failed", "next"],
    [403, "UnrecognizedClientException", "upstream_auth_failed", "next"],
    [403, "InvalidSignatureException", "upstream_auth_failed", "next"],
    [404, "ResourceNotFoundException", "upstream_model_not_found", "next"],
    [408, "ModelTimeoutException", "upstream_timeout", "retry"],
    [424, "ModelErrorException", "upstream_server_error", "retry"],
    [429, "ThrottlingException", "upstream_rate_limited", "retry"],
    [429, "ModelNotReadyException", "upstream_rate_limited", "retry"],
    [400, "ServiceQuotaExceededException", "upstream_rejected", "next"],
    [500, "InternalServerException", "upstream_server_error", "retry"],
    [503, "ServiceUnavailableException", "upstream_unavailable", "retry"],
  ] as const)("HTTP %i %s → %s", (status, name, code, failover) => {
    const error = decode(status, `${name}:http://internal.amazon.com/coral/com.amazon.bedrock/`, {
      message: "details",
    });
    expect(error.code).toBe(code);
    expect(error.failover).toBe(failover);
    expect(error.upstreamStatus).toBe(status);
    expect(error.provider).toBe("aws-us-east-1");
    // A credential refusal keeps the upstream's words for the log only (issue 10, defect 6).
    expect(code === "upstream_auth_failed" ? error.detail : error.message).toBe(`${name}: details`);
  });

  it("falls back to the body's __type or code, and to `Message`", () => {
    expect(
      decode(400, undefined, { __type: "com.amazon.coral#ThrottlingException", Message: "slow" }),
    ).toMatchObject({
      code: "upstream_rate_limited",
      message: "ThrottlingException: slow",
    });
    expect(decode(400, undefined, { code: "AccessDeniedException", message: "no" }).code).toBe(
      "upstream_auth_failed",
    );
  });

  it("classifies by status when the name is unknown or the body is not JSON (a proxy's page)", () => {
    expect(decode(503, undefined, "<html>bad gateway</html>")).toMatchObject({
      code: "upstream_unavailable",
      message: "aws-us-east-1 answered HTTP 503",
    });
    expect(decode(429, "SomethingNewException", { message: "x" }).code).toBe("upstream_rate_limited");
    expect(decode(502, undefined, "").code).toBe("upstream_server_error");
  });

  it("keeps a Retry-After added in front of Bedrock", () => {
    expect(
      decode(429, "ThrottlingException", { message: "x" }, { "retry-after": "3" }).retryAfterSeconds,
    ).toBe(3);
    expect(decode(429, "ThrottlingException", { message: "x" }).retryAfterSeconds).toBeUndefined();
  });
});
