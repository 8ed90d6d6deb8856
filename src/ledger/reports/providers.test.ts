import { describe, expect, it } from "vitest";
import { ledgerRow } from "./fixture-ledger.js";
import { fixtureConfig } from "./fixture-ledger.js";
import { parseReportOptions } from "./options.js";
import { providersReport } from "./providers.js";

const attempt = (offering: string, code: string | null, latencyMs: number) => ({
  offering,
  provider: offering.split("@")[1],
  status: code === null ? 200 : 503,
  code,
  latencyMs,
});
const day = Date.UTC(2026, 10, 20);
const rows = [
  // azure answers a stream first time: 100 output tokens over 1,000 - 200 ms = 125 tokens/s
  ledgerRow({
    requestId: "p1",
    startedAt: day,
    offering: "gpt-x@azure",
    stream: true,
    latencyMs: 1000,
    ttftMs: 200,
    outputTokens: 100,
  }),
  // azure fails once, then answers in place (a retry): 2 attempts, 1 failure
  ledgerRow({
    requestId: "p2",
    startedAt: day,
    offering: "gpt-x@azure",
    attempts: 2,
    latencyMs: 3000,
    outputTokens: 100,
    attemptsJson: JSON.stringify([
      attempt("gpt-x@azure", "upstream_unavailable", 50),
      attempt("gpt-x@azure", null, 2900),
    ]),
  }),
  // azure fails twice, aws answers after the failover
  ledgerRow({
    requestId: "p3",
    startedAt: day,
    offering: "gpt-x@aws",
    attempts: 3,
    failedOver: true,
    latencyMs: 900,
    outputTokens: 50,
    attemptsJson: JSON.stringify([
      attempt("gpt-x@azure", "upstream_server_error", 100),
      attempt("gpt-x@azure", "upstream_server_error", 100),
      attempt("gpt-x@aws", null, 700),
    ]),
  }),
  // the client's own 400 on aws: not the cloud's failure
  ledgerRow({
    requestId: "p4",
    startedAt: day,
    offering: "gpt-x@aws",
    outcome: "error",
    status: 400,
    latencyMs: 30,
    attemptsJson: JSON.stringify([attempt("gpt-x@aws", "upstream_invalid_request", 30)]),
  }),
];

describe("providers scorecard", () => {
  it("error rate per attempt, attempts per request, failovers, latency and speed of first-try answers", async () => {
    const { options } = parseReportOptions("providers", {}, fixtureConfig);
    const report = await providersReport(rows, options);
    expect(report.lines.map((line) => line.key)).toEqual(["azure", "aws"]);
    const [azure, aws] = report.lines;
    // azure: tried by p1, p2, p3; 1 + 2 + 2 = 5 attempts, 3 failed; served p1, p2
    expect(azure).toMatchObject({ requests: 3, served: 2, attempts: 5, servedAfterFailover: 0 });
    expect(azure?.errorRate).toBeCloseTo(3 / 5, 9);
    expect(azure?.attemptsPerRequest).toBeCloseTo(5 / 3, 9);
    // latencies of first-try answers [1000, 3000]: p50 1000, p95 3000; one stream, ttft 200
    expect([azure?.latencyP50Ms, azure?.latencyP95Ms, azure?.ttftP50Ms]).toEqual([1000, 3000, 200]);
    // (100 + 100) tokens over (0.8 + 3.0) s
    expect(azure?.outputTokensPerSecond).toBeCloseTo(200 / 3.8, 9);
    // aws: p3 (after a failover) and p4 (the client's 400); no failure counted; served p3 only
    expect(aws).toMatchObject({ requests: 2, served: 1, attempts: 2, errorRate: 0, servedAfterFailover: 1 });
    expect(aws?.latencyP50Ms).toBeUndefined();
  });

  it("by offering", async () => {
    const { options } = parseReportOptions("providers", { by: "offering" }, fixtureConfig);
    const report = await providersReport(rows, options);
    expect(report.lines.map((line) => line.key)).toEqual(["gpt-x@azure", "gpt-x@aws"]);
  });
});
