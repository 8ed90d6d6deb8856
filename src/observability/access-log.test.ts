import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import {
  attempt,
  exhaustedReport,
  failoverReport,
  requestReport,
  unauthenticatedReport,
} from "../../test/support/request-reports.js";
import { AccessLog, accessLogFields, describeReport } from "./access-log.js";
import { createLogger, flushLogger } from "./logger.js";

/** A logger writing into an array of parsed lines. */
function capture(level = "info"): {
  lines: Record<string, unknown>[];
  logger: ReturnType<typeof createLogger>;
} {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString("utf8").split("\n"))
        if (line !== "") lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: createLogger({ level, stream }) };
}

describe("the access log", () => {
  it("writes one JSON line at info with the report's fields and a message saying what happened", () => {
    const { lines, logger } = capture();
    new AccessLog(logger, { enabled: true }).record(requestReport());
    expect(lines).toHaveLength(1);
    const { time, ...line } = lines[0] ?? {};
    expect(typeof time).toBe("number");
    expect(line).toEqual({
      level: 30,
      name: "access",
      msg: "chat.completions gpt-4o-mini 200 by gpt-4o-mini@openai in 312.4 ms",
      requestId: "req_0001",
      tenant: "team-a",
      keyId: "team-a-key",
      keyPrefix: "sy-live-…",
      ingress: "openai",
      endpoint: "chat.completions",
      model: "gpt-4o-mini",
      stream: false,
      offering: "gpt-4o-mini@openai",
      provider: "openai",
      region: "us",
      routeReason: "cheapest",
      attempts: ["gpt-4o-mini@openai 200 250ms"],
      failedOver: false,
      usage: {
        inputTokens: 120,
        cachedInputTokens: 0,
        cacheWriteInputTokens: 0,
        outputTokens: 40,
        reasoningTokens: 0,
        estimated: false,
      },
      costUsd: 0.000042,
      latencyMs: 312.4,
      outcome: "ok",
      status: 200,
    });
  });

  it("says which offering failed before a failover answered", () => {
    const { lines, logger } = capture();
    new AccessLog(logger, { enabled: true }).record(failoverReport());
    expect(lines[0]).toMatchObject({
      msg:
        "chat.completions gpt-4o-mini 200 by gpt-4o-mini@openai " +
        "after failover from gpt-4o-mini@azure-eastus (503) in 812 ms",
      attempts: ["gpt-4o-mini@azure-eastus 503 upstream_unavailable 40ms", "gpt-4o-mini@openai 200 260ms"],
      failedOver: true,
      status: 200,
    });
  });

  it("marks failedOver as the ledger does: answered by another offering than the first one tried", () => {
    const { lines, logger } = capture();
    const log = new AccessLog(logger, { enabled: true });
    const openai = "gpt-4o-mini@openai";
    const azure = "gpt-4o-mini@azure-eastus";
    log.record(
      requestReport({ attempts: [attempt(openai, 429, undefined, 5), attempt(openai, 200, undefined, 9)] }),
    );
    log.record(
      requestReport({
        attempts: [
          attempt(openai, 429, undefined, 5),
          attempt(azure, 503, undefined, 5),
          attempt(openai, 200, undefined, 9),
        ],
      }),
    );
    expect(lines.map((line) => line["failedOver"])).toEqual([false, false]);
    expect(lines[1]?.["msg"]).toContain(
      "after failover from gpt-4o-mini@openai (429), gpt-4o-mini@azure-eastus (503)",
    );
  });

  it("logs a 401 with its code and no tenant, key or model", () => {
    const { lines, logger } = capture();
    new AccessLog(logger, { enabled: true }).record(unauthenticatedReport());
    expect(lines[0]).toMatchObject({
      msg: "chat.completions 401 invalid_api_key in 0.2 ms",
      status: 401,
      errorCode: "invalid_api_key",
      outcome: "error",
      attempts: [],
    });
    for (const field of ["tenant", "keyId", "keyPrefix", "model", "offering", "usage", "costUsd"])
      expect(lines[0]).not.toHaveProperty(field);
  });

  it("logs a 502 after two attempts with what each attempt got", () => {
    const { lines, logger } = capture();
    new AccessLog(logger, { enabled: true }).record(exhaustedReport());
    expect(lines[0]).toMatchObject({
      msg:
        "chat.completions gpt-4o-mini 502 upstream_server_error after 2 attempts: " +
        "gpt-4o-mini@azure-eastus (503), gpt-4o-mini@openai (500) in 80 ms",
      attempts: [
        "gpt-4o-mini@azure-eastus 503 upstream_unavailable 30ms",
        "gpt-4o-mini@openai 500 upstream_server_error 45ms",
      ],
      failedOver: false,
      errorCode: "upstream_server_error",
    });
  });

  it("describes retries, timeouts, cut streams, departed clients and shutdowns", () => {
    const openai = "gpt-4o-mini@openai";
    expect(
      describeReport(
        requestReport({
          attempts: [
            attempt(openai, 429, "upstream_rate_limited", 5),
            attempt(openai, 429, undefined, 5),
            attempt(openai, 200, undefined, 90),
          ],
        }),
      ),
    ).toBe("chat.completions gpt-4o-mini 200 by gpt-4o-mini@openai after 2 retries (429, 429) in 312.4 ms");
    expect(
      describeReport(
        exhaustedReport({
          attempts: [attempt("gpt-4o-mini@azure-eastus", undefined, "upstream_timeout", 5000)],
          status: 504,
          errorCode: "upstream_timeout",
        }),
      ),
    ).toBe(
      "chat.completions gpt-4o-mini 504 upstream_timeout after 1 attempt: gpt-4o-mini@azure-eastus (upstream_timeout) in 80 ms",
    );
    expect(
      describeReport(
        requestReport({
          endpoint: "messages",
          ingress: "anthropic",
          stream: true,
          ttftMs: 42.04,
          latencyMs: 2100,
          outcome: "stream_error",
          errorCode: "upstream_stream_truncated",
        }),
      ),
    ).toBe(
      "messages gpt-4o-mini stream 200 upstream_stream_truncated by gpt-4o-mini@openai, " +
        "the stream then failed in 2100 ms (first token 42 ms)",
    );
    expect(describeReport(requestReport({ stream: true, outcome: "client_gone", ttftMs: 50 }))).toBe(
      "chat.completions gpt-4o-mini stream 200 by gpt-4o-mini@openai, the client went away in 312.4 ms (first token 50 ms)",
    );
    expect(describeReport(requestReport({ outcome: "shutdown" }))).toContain(", cut at shutdown in 312.4 ms");
  });

  it("writes byte for byte the line pino writes for the same fields and message", () => {
    const written: string[] = [];
    const stream = { write: (line: string) => void written.push(line) };
    const logger = pino({ level: "info", base: null, timestamp: () => `,"time":1767225600000` }, stream);
    const log = new AccessLog(logger, { enabled: true });
    const reports = [
      requestReport(),
      failoverReport(),
      unauthenticatedReport(),
      exhaustedReport(),
      requestReport({
        stream: true,
        ttftMs: 41.96,
        route: {
          offering: "gpt-4o-mini@openai",
          provider: "openai",
          region: undefined,
          reason: 'a "quoted"\n \\ reason \ud83d\ude00 \ud800 é',
        },
        warnings: ["unsupported_parameter=logit_bias", "unsupported_parameter=seed"],
        latencyMs: Number.NaN,
        outcome: "client_gone",
      }),
      // One key on one route, told apart by what is absent and what is empty.
      requestReport({ keyPrefix: undefined }),
      requestReport({ keyPrefix: "" }),
      requestReport({
        route: { offering: "gpt-4o-mini@openai", provider: "openai", region: "", reason: "cheapest" },
      }),
      requestReport({ stream: true }),
      // The reason may carry the request's own figures: it is never taken from another request's line.
      requestReport({
        route: {
          offering: "gpt-4o-mini@openai",
          provider: "openai",
          region: "us",
          reason: "cheapest: est. $0.0002",
        },
      }),
    ];
    // Twice over: the second pass lays the key's and route's members out from the fragments the first kept.
    for (const report of [...reports, ...reports]) {
      log.record(report);
      logger.child({ name: "access" }).info(accessLogFields(report), describeReport(report));
    }
    expect(written).toHaveLength(4 * reports.length);
    for (let index = 0; index < 2 * reports.length; index++)
      expect(written[2 * index]).toBe(written[2 * index + 1]);
  });

  it("writes nothing when log.requests is off, or when the level is above info", () => {
    const off = capture();
    new AccessLog(off.logger, { enabled: false }).record(failoverReport());
    expect(off.lines).toEqual([]);
    const quiet = capture("warn");
    new AccessLog(quiet.logger, { enabled: true }).record(failoverReport());
    expect(quiet.lines).toEqual([]);
  });

  it("writes through pino's asynchronous destination, and flushLogger waits for the lines", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "switchyard-log-")), "access.log");
    const logger = createLogger({ level: "info", destination: path });
    const log = new AccessLog(logger, { enabled: true });
    for (let n = 0; n < 100; n++) log.record(requestReport({ requestId: `req_${n}` }));
    await flushLogger(logger);
    const lines = readFileSync(path, "utf8").trimEnd().split("\n");
    expect(lines).toHaveLength(100);
    const last = JSON.parse(lines[99] ?? "{}") as { requestId?: string; keyPrefix?: string };
    expect(last.requestId).toBe("req_99");
    // The destination writes bytes: a character outside ASCII must come out as UTF-8, unmangled.
    expect(last.keyPrefix).toBe("sy-live-…");
  });
});
