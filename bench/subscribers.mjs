// CPU per request report of the report subscribers (access log, metrics, the ledger writer's queue), beside a yardstick measured
// in the same run (JSON.stringify of the report itself), so a figure from a busy machine still reads.
// Usage: npm run build && node bench/subscribers.mjs
import { openSync } from "node:fs";
import { AccessLog } from "../dist/src/observability/access-log.js";
import { createLogger, flushLogger } from "../dist/src/observability/logger.js";
import { GatewayMetrics } from "../dist/src/observability/metrics.js";
import { LedgerWriter } from "../dist/src/ledger/ledger-writer.js";

const N = 50_000;
const base = {
  requestId: "req_0001",
  startedAt: Date.now(),
  tenant: "team-a",
  keyId: "team-a-key",
  keyPrefix: "sy-live-…",
  ingress: "openai",
  endpoint: "chat.completions",
  model: "gpt-4o-mini",
  stream: false,
  route: { offering: "gpt-4o-mini@openai", provider: "openai", region: "us", reason: "cheapest" },
  attempts: [
    { offering: "gpt-4o-mini@openai", provider: "openai", status: 200, code: undefined, latencyMs: 250 },
  ],
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
};
const reports = [
  base,
  {
    ...base,
    attempts: [
      {
        offering: "gpt-4o-mini@azure-eastus",
        provider: "azure-eastus",
        status: 503,
        code: "upstream_unavailable",
        latencyMs: 40,
      },
      ...base.attempts,
    ],
  },
  { ...base, stream: true, ttftMs: 40, usage: { ...base.usage, cachedInputTokens: 60, reasoningTokens: 10 } },
];
const catalog = {
  tenants: ["default", "team-a"],
  models: ["gpt-4o-mini"],
  providers: [
    { id: "openai", kind: "openai" },
    { id: "azure-eastus", kind: "azure" },
  ],
  offerings: [
    { id: "gpt-4o-mini@openai", provider: "openai" },
    { id: "gpt-4o-mini@azure-eastus", provider: "azure-eastus" },
  ],
};

const yieldNow = () => new Promise((resolve) => setImmediate(resolve));
/** CPU µs per call, best of 5 rounds; yields every 10 calls so asynchronous writes interleave as in a server. */
async function cpu(body, after = async () => {}) {
  let best = Infinity;
  for (let round = 0; round < 5; round++) {
    const start = process.cpuUsage();
    for (let i = 0; i < N; i++) {
      body(reports[i % reports.length]);
      if (i % 10 === 9) await yieldNow();
    }
    await after();
    const used = process.cpuUsage(start);
    best = Math.min(best, (used.user + used.system) / N);
  }
  return best;
}

const idle = await cpu(() => {});
const metrics = new GatewayMetrics({ catalog, processMetrics: false });
const file = createLogger({ level: "info", destination: openSync("/dev/null", "w") });
const rows = {
  "yardstick: JSON.stringify(report)": await cpu((report) => JSON.stringify(report)),
  "metrics.observe(report)": await cpu((report) => metrics.observe(report)),
  "access log, serialisation only (no-op stream)": await cpu(
    (
      (log) => (report) =>
        log.record(report)
    )(new AccessLog(createLogger({ level: "info", stream: { write() {} } }), { enabled: true })),
  ),
  "access log to /dev/null (async destination)": await cpu(
    (
      (log) => (report) =>
        log.record(report)
    )(new AccessLog(file, { enabled: true })),
    () => flushLogger(file),
  ),
  // The event loop's share of the ledger: flatten and queue, batches handed to a store that takes them at
  // once. SQLite's own work (about 7 µs a row) runs on the store's worker thread; see docs/storage.md.
  "ledger record (toLedgerRow + queue, no store)": await cpu(
    (
      (ledger) => (report) =>
        ledger.record(report)
    )(new LedgerWriter({ store: { insert: async () => {} }, logger: { warn() {}, info() {} } })),
  ),
  "access log off (log.requests: false)": await cpu(
    (
      (log) => (report) =>
        log.record(report)
    )(new AccessLog(file, { enabled: false })),
  ),
};
for (const [name, micros] of Object.entries(rows))
  console.log(`${name.padEnd(48)} ${(micros - idle).toFixed(2)} µs CPU`);
