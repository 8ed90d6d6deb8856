import { describe, expect, it } from "vitest";
import { GatewayError } from "../errors/gateway-error.js";
import { createAuthFailureLog } from "./auth-failure-log.js";

const refusal = (detail: string): GatewayError =>
  new GatewayError("upstream_auth_failed", "openai refused the gateway's credentials", {
    provider: "openai",
    upstreamStatus: 401,
    detail,
  });

describe("the log of provider credential refusals", () => {
  it("logs the provider's detail once per interval per provider, counting what it held back", () => {
    const lines: Record<string, unknown>[] = [];
    let now = 0;
    const log = createAuthFailureLog(
      { warn: (fields: Record<string, unknown>) => lines.push(fields) } as never,
      60_000,
      () => now,
    );
    log("openai", refusal("Incorrect API key provided: sk-****abcd"));
    log("openai", refusal("Incorrect API key provided: sk-****abcd"));
    log("azure", refusal("Access denied due to invalid subscription key"));
    now = 59_999;
    log("openai", refusal("again"));
    now = 60_000;
    log("openai", refusal("later"));
    expect(lines).toEqual([
      { provider: "openai", upstreamStatus: 401, detail: "Incorrect API key provided: sk-****abcd" },
      { provider: "azure", upstreamStatus: 401, detail: "Access denied due to invalid subscription key" },
      { provider: "openai", upstreamStatus: 401, detail: "later", notLoggedSinceLast: 2 },
    ]);
  });
});
