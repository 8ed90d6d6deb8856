import type { ReportedAttempt, RequestReport } from "../../src/core/request-report.js";

/** A request report for tests: a one-attempt chat completion served by gpt-4o-mini@openai, unless overridden. */
export function requestReport(overrides: Partial<RequestReport> = {}): RequestReport {
  return {
    requestId: "req_0001",
    startedAt: Date.UTC(2026, 0, 15, 12, 0, 0),
    tenant: "team-a",
    keyId: "team-a-key",
    keyPrefix: "sy-live-…",
    ingress: "openai",
    endpoint: "chat.completions",
    model: "gpt-4o-mini",
    stream: false,
    route: { offering: "gpt-4o-mini@openai", provider: "openai", region: "us", reason: "cheapest" },
    attempts: [attempt("gpt-4o-mini@openai", 200, undefined, 250)],
    usage: {
      inputTokens: 120,
      cachedInputTokens: 0,
      cacheWriteInputTokens: 0,
      outputTokens: 40,
      reasoningTokens: 0,
      estimated: false,
    },
    cost: { usd: 0.000042, prices: { input: 0.15, output: 0.6, cachedInput: 0.075, cacheWrite: 0.15 } },
    latencyMs: 312.4,
    ttftMs: undefined,
    outcome: "ok",
    status: 200,
    errorCode: undefined,
    warnings: [],
    capabilities: ["chat"],
    ...overrides,
  };
}

export function attempt(
  offering: string,
  status: number | undefined,
  code: string | undefined,
  latencyMs: number,
): ReportedAttempt {
  return { offering, provider: offering.slice(offering.indexOf("@") + 1), status, code, latencyMs };
}

/** Served by gpt-4o-mini@openai after gpt-4o-mini@azure-eastus answered 503. */
export function failoverReport(overrides: Partial<RequestReport> = {}): RequestReport {
  return requestReport({
    requestId: "req_failover",
    attempts: [
      attempt("gpt-4o-mini@azure-eastus", 503, "upstream_unavailable", 40),
      attempt("gpt-4o-mini@openai", 200, undefined, 260),
    ],
    latencyMs: 812,
    ...overrides,
  });
}

/** A key nobody knows: rejected before the body was read. */
export function unauthenticatedReport(overrides: Partial<RequestReport> = {}): RequestReport {
  return requestReport({
    requestId: "req_401",
    tenant: undefined,
    keyId: undefined,
    keyPrefix: undefined,
    model: undefined,
    route: undefined,
    attempts: [],
    usage: undefined,
    cost: undefined,
    latencyMs: 0.21,
    outcome: "error",
    status: 401,
    errorCode: "invalid_api_key",
    ...overrides,
  });
}

/** Both offerings failed: a 502 after two attempts. */
export function exhaustedReport(overrides: Partial<RequestReport> = {}): RequestReport {
  return requestReport({
    requestId: "req_502",
    route: undefined,
    attempts: [
      attempt("gpt-4o-mini@azure-eastus", 503, "upstream_unavailable", 30),
      attempt("gpt-4o-mini@openai", 500, "upstream_server_error", 45),
    ],
    usage: undefined,
    cost: undefined,
    latencyMs: 80,
    outcome: "error",
    status: 502,
    errorCode: "upstream_server_error",
    ...overrides,
  });
}
