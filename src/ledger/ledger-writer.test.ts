import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RequestReport } from "../core/request-report.js";
import { postgresBackend, sqliteBackend, type TestStoreSpace } from "../../test/support/store-backends.js";
import { TcpProxy } from "../../test/support/tcp-proxy.js";
import {
  ManualClock,
  RecordingLogger,
  SwitchableLedgerStore,
  requestReport,
  settle,
} from "../../test/support/writer-doubles.js";
import type { Store } from "../store/index.js";
import { LedgerWriter, toLedgerRow, type LedgerWriterOptions } from "./ledger-writer.js";

describe("toLedgerRow", () => {
  it("flattens a full report: route, attempts, usage, cost with its prices, rounded milliseconds", () => {
    const report = requestReport({ requestId: "req_full", startedAt: 1_780_000_000_000 });
    expect(toLedgerRow(report)).toEqual({
      requestId: "req_full",
      startedAt: 1_780_000_000_000,
      tenant: "team-a",
      keyId: "team-a-key",
      keyPrefix: "sy-team-a",
      ingress: "openai",
      endpoint: "chat.completions",
      model: "gpt-4o-mini",
      stream: true,
      offering: "gpt-4o-mini@azure-eastus",
      provider: "azure-eastus",
      region: "eastus",
      routeReason: "preferred: launch partner of openai",
      attempts: 2,
      failedOver: true,
      attemptsJson:
        '[{"offering":"gpt-4o-mini@openai","provider":"openai","status":503,"code":"upstream_unavailable","latencyMs":12},' +
        '{"offering":"gpt-4o-mini@azure-eastus","provider":"azure-eastus","status":200,"code":null,"latencyMs":80}]',
      inputTokens: 1_200,
      cachedInputTokens: 1_024,
      cacheWriteInputTokens: 0,
      outputTokens: 350,
      reasoningTokens: 64,
      usageEstimated: false,
      costUsd: 0.000_345_6,
      priceInput: 0.15,
      priceOutput: 0.6,
      priceCachedInput: 0.075,
      priceCacheWrite: 0.1875,
      latencyMs: 812,
      ttftMs: 96,
      outcome: "ok",
      status: 200,
      errorCode: null,
      warnings: "unsupported_parameter=logit_bias,reasoning_effort=reasoning.effort",
      capabilities: "chat,tools",
    });
  });

  it("keeps what was never known as null: a 401 before any route, usage or cost", () => {
    const row = toLedgerRow(
      requestReport({
        tenant: undefined,
        keyId: undefined,
        keyPrefix: undefined,
        ingress: "anthropic",
        endpoint: "messages",
        model: undefined,
        stream: false,
        route: undefined,
        attempts: [],
        usage: undefined,
        cost: undefined,
        latencyMs: 0.4,
        ttftMs: undefined,
        outcome: "error",
        status: 401,
        errorCode: "invalid_api_key",
        warnings: [],
      }),
    );
    expect(row).toMatchObject({
      tenant: null,
      keyId: null,
      keyPrefix: null,
      model: null,
      offering: null,
      provider: null,
      region: null,
      routeReason: null,
      attempts: 0,
      failedOver: false,
      attemptsJson: "[]",
      inputTokens: 0,
      outputTokens: 0,
      usageEstimated: false,
      costUsd: null,
      priceInput: null,
      priceCacheWrite: null,
      latencyMs: 0,
      ttftMs: null,
      status: 401,
      errorCode: "invalid_api_key",
      warnings: "",
    });
  });

  it("is not a failover when the first attempt's offering answered, retries on it included", () => {
    const offering = "gpt-4o-mini@azure-eastus";
    const row = toLedgerRow(
      requestReport({
        attempts: [
          { offering, provider: "azure-eastus", status: 429, code: "upstream_rate_limited", latencyMs: 5 },
          { offering, provider: "azure-eastus", status: 200, code: undefined, latencyMs: 40 },
        ],
      }),
    );
    expect(row).toMatchObject({ attempts: 2, failedOver: false });
  });

  it("marks usage the gateway counted itself as estimated", () => {
    const usage = {
      inputTokens: 10,
      cachedInputTokens: 0,
      cacheWriteInputTokens: 0,
      outputTokens: 4,
      reasoningTokens: 0,
      estimated: true,
    };
    expect(toLedgerRow(requestReport({ usage })).usageEstimated).toBe(true);
  });
});

describe("LedgerWriter", () => {
  let space: TestStoreSpace;
  let store: Store;
  let switchable: SwitchableLedgerStore;
  let clock: ManualClock;
  let logger: RecordingLogger;

  beforeEach(async () => {
    space = await sqliteBackend.create();
    store = await space.open();
    switchable = new SwitchableLedgerStore(store.ledger);
    clock = new ManualClock();
    logger = new RecordingLogger();
  });
  afterEach(async () => {
    await store.close();
    await space.remove();
  });

  function writer(options: Partial<LedgerWriterOptions> = {}): LedgerWriter {
    return new LedgerWriter({
      store: switchable,
      logger,
      clock,
      batchSize: 3,
      flushIntervalMs: 1_000,
      retryBaseMs: 100,
      retryMaxMs: 400,
      warnIntervalMs: 10_000,
      ...options,
    });
  }

  const reports = (count: number, overrides: Partial<RequestReport> = {}): RequestReport[] =>
    Array.from({ length: count }, () => requestReport(overrides));

  it("writes a full batch at once, one statement each, and the rest when the interval ends", async () => {
    const ledger = writer();
    for (const report of reports(7)) ledger.record(report);
    expect(switchable.batches).toEqual([]);
    await clock.advance(0);
    expect(switchable.batches).toEqual([3, 3]);
    expect(ledger.queueDepth).toBe(1);
    await clock.advance(999);
    expect(switchable.batches).toEqual([3, 3]);
    await clock.advance(1);
    expect(switchable.batches).toEqual([3, 3, 1]);
    expect(await store.ledger.count()).toBe(7);
    expect(ledger).toMatchObject({ queueDepth: 0, writtenRows: 7, droppedRows: 0 });
  });

  it("holds a lone row no longer than the flush interval", async () => {
    const ledger = writer({ batchSize: 100 });
    ledger.record(requestReport());
    await clock.advance(500);
    ledger.record(requestReport());
    await clock.advance(499);
    expect(await store.ledger.count()).toBe(0);
    await clock.advance(1);
    expect(switchable.batches).toEqual([2]);
    expect(await store.ledger.count()).toBe(2);
  });

  it("record() returns before anything is written and never throws, even for a broken report", async () => {
    const ledger = writer();
    const broken = { ...requestReport(), attempts: undefined } as unknown as RequestReport;
    expect(() => ledger.record(broken)).not.toThrow();
    for (const report of reports(2)) ledger.record(report);
    // Nothing ran yet: the finish point never waits for the store.
    expect(switchable.batches).toEqual([]);
    // The reports are flattened together at the end of this turn of the event loop: the broken one is
    // dropped then, and the other two are short of a batch and go when the interval ends.
    expect(ledger).toMatchObject({ queueDepth: 3, droppedRows: 0 });
    await new Promise(setImmediate);
    expect(ledger).toMatchObject({ queueDepth: 2, droppedRows: 1 });
    await clock.advance(1_000);
    expect(await store.ledger.count()).toBe(2);
    expect(ledger.droppedRows).toBe(1);
    expect(logger.warnings("dropped")).toHaveLength(1);
  });

  it("never writes a request twice: a report recorded twice, a batch whose acknowledgement was lost", async () => {
    const ledger = writer();
    const [first, second, third] = reports(3);
    if (first === undefined || second === undefined || third === undefined) throw new Error("three reports");
    ledger.record(first);
    ledger.record(first);
    switchable.mode = "fail-after-write";
    ledger.record(second);
    await clock.advance(0);
    // The batch reached the table but the writer was told it failed: it retries the same rows.
    expect(await store.ledger.count()).toBe(2);
    switchable.mode = "up";
    ledger.record(third);
    await clock.advance(100);
    await clock.advance(1_000);
    await ledger.whenIdle();
    expect(switchable.batches).toEqual([3, 3, 1]);
    const ids: string[] = [];
    for await (const row of store.ledger.rows()) ids.push(row.requestId);
    expect(ids).toEqual([first.requestId, second.requestId, third.requestId]);
  });

  it("flushes everything on close, then drops and counts reports that come later", async () => {
    const ledger = writer({ batchSize: 100, flushIntervalMs: 60_000 });
    for (const report of reports(5)) ledger.record(report);
    const closing = ledger.close();
    // Recorded during the graceful stop: still written.
    ledger.record(requestReport());
    await clock.advance(0);
    await closing;
    expect(await store.ledger.count()).toBe(6);
    ledger.record(requestReport());
    expect(ledger).toMatchObject({ queueDepth: 0, writtenRows: 6, droppedRows: 1 });
    expect(logger.warnings("after shutdown")).toHaveLength(1);
    expect(clock.pendingTimers).toBe(0);
  });

  it("keeps serving while the store is down: buffers to the bound, then drops with a rate-limited warning, then catches up", async () => {
    const ledger = writer({ maxQueuedRows: 10 });
    switchable.mode = "down";
    for (const report of reports(4)) ledger.record(report);
    await clock.advance(0);
    expect(ledger.queueDepth).toBe(4);
    const failures = logger.warnings("writing to the store failed");
    expect(failures).toHaveLength(1);
    expect(failures[0]?.fields).toMatchObject({
      error: "connect ECONNREFUSED 127.0.0.1:5432",
      retryInMs: 100,
    });

    // Retries back off (100, 200, 400, 400 ms) and warn once per interval, not once per failure.
    await clock.advance(1_100);
    expect(switchable.batches).toEqual([3, 3, 3, 3, 3]);
    expect(logger.warnings("writing to the store failed")).toHaveLength(1);

    for (const report of reports(9)) ledger.record(report);
    expect(ledger.queueDepth).toBe(10);
    expect(ledger.droppedRows).toBe(3);
    const drops = logger.warnings("queue full");
    expect(drops).toHaveLength(1);
    expect(drops[0]?.fields).toMatchObject({ dropped: 1, maxQueuedRows: 10 });
    // The next drops fall in the same warning interval: counted, not logged one by one.
    for (const report of reports(5)) ledger.record(report);
    expect(ledger.droppedRows).toBe(8);
    expect(logger.warnings("queue full")).toHaveLength(1);

    switchable.mode = "up";
    // The retry writes two full batches at once; the last row waits for the flush interval, as usual.
    await clock.advance(400);
    expect(switchable.batches.slice(5)).toEqual([3, 3, 3]);
    expect(ledger.queueDepth).toBe(1);
    await clock.advance(1_000);
    await ledger.whenIdle();
    expect(await store.ledger.count()).toBe(10);
    expect(ledger).toMatchObject({ queueDepth: 0, writtenRows: 10, droppedRows: 8 });
    const recovered = logger.entries.filter((entry) => entry.message.includes("writable again"));
    expect(recovered).toHaveLength(1);
    // The drops that were not warned about individually are reported with the recovery.
    expect(logger.warnings("queue full").at(-1)?.fields).toMatchObject({ dropped: 7, droppedRows: 8 });

    // Back to normal: a new row waits for the interval, no retry timer is left behind.
    ledger.record(requestReport());
    await clock.advance(1_000);
    expect(await store.ledger.count()).toBe(11);
  });

  it("retries a write that hangs once it exceeds the write timeout", async () => {
    const ledger = writer({ writeTimeoutMs: 2_000 });
    switchable.mode = "hang";
    for (const report of reports(3)) ledger.record(report);
    await clock.advance(1_999);
    expect(logger.warnings("writing to the store failed")).toHaveLength(0);
    switchable.mode = "up";
    await clock.advance(1);
    expect(logger.warnings("writing to the store failed")[0]?.fields).toMatchObject({
      error: "the write took longer than 2000 ms",
    });
    await clock.advance(100);
    expect(await store.ledger.count()).toBe(3);
  });

  it("gives up on close after its bound while the store is down, and says how many rows are lost", async () => {
    const ledger = writer({ closeTimeoutMs: 1_000 });
    switchable.mode = "down";
    for (const report of reports(5)) ledger.record(report);
    let closed = false;
    const closing = ledger.close().then(() => {
      closed = true;
    });
    await clock.advance(999);
    expect(closed).toBe(false);
    await clock.advance(1);
    await closing;
    expect(ledger).toMatchObject({ queueDepth: 0, droppedRows: 5, writtenRows: 0 });
    expect(logger.warnings("not written before shutdown")[0]?.fields).toMatchObject({ unwritten: 5 });
    expect(clock.pendingTimers).toBe(0);
  });

  it("a write still hanging when close gives up leaves no timer behind, and a late success is counted as written", async () => {
    let finish: () => Promise<void> = () => Promise.resolve();
    const late: Pick<Store["ledger"], "insert"> = {
      insert: (rows) =>
        new Promise<void>((resolve) => {
          finish = () => store.ledger.insert(rows).then(resolve);
        }),
    };
    const hanging = new LedgerWriter({ store: late, logger, clock, batchSize: 2, closeTimeoutMs: 1_000 });
    for (const report of reports(2)) hanging.record(report);
    await clock.advance(0);
    const closing = hanging.close();
    await clock.advance(1_000);
    await closing;
    expect(hanging).toMatchObject({ droppedRows: 2, writtenRows: 0 });
    // The store's write (on SQLite's worker thread) is awaited; then the writer's own promise settles.
    await finish();
    await settle();
    expect(hanging).toMatchObject({ droppedRows: 0, writtenRows: 2 });
    expect(await store.ledger.count()).toBe(2);
    expect(clock.pendingTimers).toBe(0);
  });

  it("a close while a retry waits writes at once instead of waiting out the backoff", async () => {
    const ledger = writer({ retryBaseMs: 30_000, retryMaxMs: 30_000 });
    switchable.mode = "down";
    for (const report of reports(2)) ledger.record(report);
    await clock.advance(0);
    switchable.mode = "up";
    const closing = ledger.close();
    await clock.advance(0);
    await closing;
    expect(await store.ledger.count()).toBe(2);
    expect(ledger.droppedRows).toBe(0);
  });
});

describe("LedgerWriter on a real PostgreSQL that goes away and comes back", () => {
  // Regression: a connection cut while a query held it was an unheard 'error' event that ended the process.
  it("buffers while the database is unreachable and writes every row once when it returns", async () => {
    const space = await postgresBackend.create();
    const proxy = new TcpProxy({ host: "127.0.0.1", port: 5432 });
    await proxy.start();
    if (space.options.kind !== "postgres") throw new Error("expected PostgreSQL");
    const url = new URL(space.options.url);
    url.host = `127.0.0.1:${proxy.port}`;
    const store = await (
      await import("../store/index.js")
    ).openStore({
      ...space.options,
      url: url.href,
      connectTimeoutMs: 1_000,
    });
    const logger = new RecordingLogger();
    const ledger = new LedgerWriter({
      store: store.ledger,
      logger,
      batchSize: 10,
      flushIntervalMs: 20,
      retryBaseMs: 20,
      retryMaxMs: 100,
    });
    try {
      const before = Array.from({ length: 25 }, () => requestReport());
      for (const report of before) ledger.record(report);
      await ledger.whenIdle();
      expect(await store.ledger.count()).toBe(25);

      await proxy.stop();
      const during = Array.from({ length: 30 }, () => requestReport());
      for (const report of during) ledger.record(report);
      await waitFor(() => logger.warnings("writing to the store failed").length > 0);
      expect(ledger.queueDepth).toBe(30);

      await proxy.start();
      await ledger.whenIdle();
      expect(ledger).toMatchObject({ queueDepth: 0, droppedRows: 0, writtenRows: 55 });
      const ids = new Set<string>();
      for await (const row of store.ledger.rows()) ids.add(row.requestId);
      expect(ids).toEqual(new Set([...before, ...during].map((report) => report.requestId)));
      expect(await store.ledger.count()).toBe(55);
    } finally {
      await ledger.close();
      await store.close();
      await proxy.stop();
      await space.remove();
    }
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 10));
    await settle();
  }
}
