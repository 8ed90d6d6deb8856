import { describe, expect, it } from "vitest";
import { upstreamError } from "./upstream-error.js";

describe("upstreamError for a refusal of the gateway's credentials (issue 10, defect 6: secret fragments)", () => {
  const response = { status: 401, headers: {}, body: "", provider: "openai" };

  it("names the provider to the client and keeps the upstream's words (and key fragments) in detail", () => {
    const error = upstreamError(
      response,
      "upstream_auth_failed",
      "Incorrect API key provided: sk-****abcd.",
      {
        param: "api_key",
      },
    );
    expect(error.code).toBe("upstream_auth_failed");
    expect(error.message).toContain("openai");
    expect(error.message).not.toMatch(/sk-|abcd|Incorrect/);
    expect(error.param).toBeUndefined();
    expect(error.detail).toBe("Incorrect API key provided: sk-****abcd.");
  });

  it("passes other upstream messages on unchanged, with no detail", () => {
    const error = upstreamError({ ...response, status: 400 }, "upstream_invalid_request", "bad `top_p`");
    expect(error.message).toBe("bad `top_p`");
    expect(error.detail).toBeUndefined();
  });
});
