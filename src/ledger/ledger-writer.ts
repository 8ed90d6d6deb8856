import type { RequestReport } from "../core/request-report.js";
import type { LedgerStore } from "../store/ledger-store.js";
import type { LedgerRow } from "./ledger-row.js";

/** The stored form of a report: flat, nulls for what is unknown, prices kept beside the cost. */
export function toLedgerRow(report: RequestReport): LedgerRow {
  const { route, usage, cost, attempts } = report;
  const first = attempts[0];
  return {
    requestId: report.requestId,
    startedAt: report.startedAt,
    tenant: report.tenant ?? null,
    keyId: report.keyId ?? null,
    keyPrefix: report.keyPrefix ?? null,
    ingress: report.ingress,
    endpoint: report.endpoint,
    model: report.model ?? null,
    stream: report.stream,
    offering: route?.offering ?? null,
    provider: route?.provider ?? null,
    region: route?.region ?? null,
    routeReason: route?.reason ?? null,
    attempts: attempts.length,
    failedOver: route !== undefined && first !== undefined && first.offering !== route.offering,
    attemptsJson: JSON.stringify(
      attempts.map((attempt) => ({
        offering: attempt.offering,
        provider: attempt.provider,
        status: attempt.status ?? null,
        code: attempt.code ?? null,
        latencyMs: Math.round(attempt.latencyMs),
      })),
    ),
    inputTokens: usage?.inputTokens ?? 0,
    cachedInputTokens: usage?.cachedInputTokens ?? 0,
    cacheWriteInputTokens: usage?.cacheWriteInputTokens ?? 0,
    outputTokens: usage?.outputTokens ?? 0,
    reasoningTokens: usage?.reasoningTokens ?? 0,
    usageEstimated: usage?.estimated ?? false,
    costUsd: cost?.usd ?? null,
    priceInput: cost?.prices.input ?? null,
    priceOutput: cost?.prices.output ?? null,
    priceCachedInput: cost?.prices.cachedInput ?? null,
    priceCacheWrite: cost?.prices.cacheWrite ?? null,
    latencyMs: Math.round(report.latencyMs),
    ttftMs: report.ttftMs === undefined ? null : Math.round(report.ttftMs),
    outcome: report.outcome,
    status: report.status,
    errorCode: report.errorCode ?? null,
    warnings: report.warnings.join(","),
    capabilities: report.capabilities === undefined ? null : report.capabilities.join(","),
  };
}

/** What the writer logs through (a pino logger fits). */
export interface LedgerLogger {
  warn(fields: Record<string, unknown>, message: string): void;
  info(fields: Record<string, unknown>, message: string): void;
}

/** Time and timers, injected so that tests decide when a flush or a retry happens. */
export interface WriterClock {
  now(): number;
  /** `keepAlive: false` lets the process exit while only this timer is pending. */
  setTimeout(callback: () => void, ms: number, keepAlive: boolean): unknown;
  clearTimeout(handle: unknown): void;
}

const systemClock: WriterClock = {
  now: () => Date.now(),
  setTimeout(callback, ms, keepAlive) {
    const timer = setTimeout(callback, ms);
    if (!keepAlive) timer.unref();
    return timer;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface LedgerWriterOptions {
  readonly store: Pick<LedgerStore, "insert">;
  readonly logger: LedgerLogger;
  /** Rows held in memory at most, queued and being written; past it, reports are dropped and counted. */
  readonly maxQueuedRows?: number;
  /** Rows per INSERT; a full batch is written at once. */
  readonly batchSize?: number;
  /** The longest a row waits in the queue before its batch is written, however small. */
  readonly flushIntervalMs?: number;
  /** Backoff after a failed write: doubled per failure from `retryBaseMs`, capped at `retryMaxMs`. */
  readonly retryBaseMs?: number;
  readonly retryMaxMs?: number;
  /** A write that takes longer counts as failed and is retried (the insert is idempotent). */
  readonly writeTimeoutMs?: number;
  /** How long `close()` waits for the queue to be written, at most. */
  readonly closeTimeoutMs?: number;
  /** At most one warning of each kind (write failed, rows dropped) per interval. */
  readonly warnIntervalMs?: number;
  readonly clock?: WriterClock;
}

/**
 * Takes one report per request from the finish point and writes ledger rows in batches, off the hot
 * path. `record()` only appends to a bounded in-memory queue; a single write loop turns the queue into
 * INSERTs of up to `batchSize` rows, as soon as a batch is full or `flushIntervalMs` after the first
 * queued row. While the store fails, the batch is retried with backoff and new rows wait in the queue
 * up to `maxQueuedRows`; beyond it they are dropped, counted and warned about. Rows are never written
 * twice: the store's insert ignores a request id it already holds, so a retried batch is harmless.
 */
export class LedgerWriter {
  readonly #store: Pick<LedgerStore, "insert">;
  readonly #logger: LedgerLogger;
  readonly #clock: WriterClock;
  readonly #maxQueuedRows: number;
  readonly #batchSize: number;
  readonly #flushIntervalMs: number;
  readonly #retryBaseMs: number;
  readonly #retryMaxMs: number;
  readonly #writeTimeoutMs: number;
  readonly #closeTimeoutMs: number;
  readonly #warnIntervalMs: number;

  /** Reports recorded in this turn of the event loop, flattened together at its end (see `record`). */
  #reports: RequestReport[] = [];
  #pending: LedgerRow[] = [];
  /** The batch being written, or waiting to be retried. */
  #batch: readonly LedgerRow[] | undefined;
  #writing = false;
  #timer: unknown;
  #failures = 0;
  #failingSince = 0;
  #lastError = "";
  #closing = false;
  #closed = false;
  #idleWaiters: (() => void)[] = [];

  #written = 0;
  #dropped = 0;
  #droppedUnwarned = 0;
  #lastDropWarning = -Infinity;
  #lastFailureWarning = -Infinity;

  constructor(options: LedgerWriterOptions) {
    this.#store = options.store;
    this.#logger = options.logger;
    this.#clock = options.clock ?? systemClock;
    this.#maxQueuedRows = options.maxQueuedRows ?? 10_000;
    this.#batchSize = options.batchSize ?? 100;
    this.#flushIntervalMs = options.flushIntervalMs ?? 1_000;
    this.#retryBaseMs = options.retryBaseMs ?? 500;
    this.#retryMaxMs = options.retryMaxMs ?? 30_000;
    this.#writeTimeoutMs = options.writeTimeoutMs ?? 30_000;
    this.#closeTimeoutMs = options.closeTimeoutMs ?? 5_000;
    this.#warnIntervalMs = options.warnIntervalMs ?? 10_000;
  }

  /** Rows in memory: queued, and in the batch being written. */
  get queueDepth(): number {
    return this.#queued + (this.#batch?.length ?? 0);
  }

  /** Rows waiting for a batch: reports still to flatten, and rows. */
  get #queued(): number {
    return this.#reports.length + this.#pending.length;
  }

  /** Rows given up on: the queue was full, the writer was closed, or close() ran out of time. */
  get droppedRows(): number {
    return this.#dropped;
  }

  get writtenRows(): number {
    return this.#written;
  }

  /**
   * Queues the report's row. Called synchronously from the finish point (the response has ended):
   * constant time, never throws, never waits; the write happens later in the write loop.
   *
   * The reports of one turn of the event loop are flattened into rows together, at its end (or when a
   * batch is taken, if that comes first). One tight pass over them costs less than one conversion in
   * each request's stride, interleaved with everything else the request does: about 7 µs a request
   * less in `bench/ab.mjs` (bench/RESULTS.md, "2026-12-03"). They are not flattened later than that: a
   * queued entry lives for up to a flush interval, long enough to survive young-generation
   * collections and be copied and promoted, and one flat row (and its attempts' JSON) is less to carry
   * through them than the report's object graph (route, attempts, usage, cost, prices, warnings).
   */
  record(report: RequestReport): void {
    try {
      if (this.#closed || this.queueDepth >= this.#maxQueuedRows) {
        this.#drop(1);
        return;
      }
      this.#reports.push(report);
      if (this.#reports.length === 1) setImmediate(this.#flatten);
      // A write in flight, or a retry waiting, picks the row up when it runs.
      if (this.#writing || this.#failures > 0) return;
      if (this.#closing || this.#queued >= this.#batchSize) this.#schedule(0);
      else if (this.#timer === undefined) this.#schedule(this.#flushIntervalMs);
    } catch {
      // Nothing a ledger does may break the request that reported.
    }
  }

  /** Turns the reports recorded so far into rows; one that cannot be converted is dropped and counted. */
  readonly #flatten = (): void => {
    const reports = this.#reports;
    if (reports.length === 0) return;
    this.#reports = [];
    for (const report of reports) {
      try {
        this.#pending.push(toLedgerRow(report));
      } catch (error) {
        this.#lastError = `a report could not be converted: ${messageOf(error)}`;
        this.#drop(1);
      }
    }
  };

  /** Resolves once every row recorded so far is written (it waits through failures and retries). */
  whenIdle(): Promise<void> {
    if (this.#isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /**
   * Writes everything queued, retrying through failures, for at most `closeTimeoutMs` (or `timeoutMs`);
   * what is still unwritten then is counted as dropped and logged. Reports recorded while closing are
   * written too; after it, they are dropped.
   */
  async close(timeoutMs: number = this.#closeTimeoutMs): Promise<void> {
    if (this.#closed) return;
    this.#closing = true;
    if (!this.#writing) this.#schedule(0);
    let deadline: unknown;
    await Promise.race([
      this.whenIdle(),
      new Promise<void>((resolve) => {
        deadline = this.#clock.setTimeout(resolve, timeoutMs, true);
      }),
    ]);
    this.#clock.clearTimeout(deadline);
    this.#closed = true;
    this.#cancelTimer();
    const unwritten = this.queueDepth;
    if (unwritten > 0) {
      this.#dropped += unwritten;
      this.#reports = [];
      this.#pending = [];
      this.#batch = undefined;
      this.#logger.warn(
        { unwritten, droppedRows: this.#dropped, error: this.#lastError },
        "ledger: rows not written before shutdown (the store was failing); they are lost",
      );
    }
    this.#notifyIdle();
  }

  #schedule(ms: number): void {
    this.#cancelTimer();
    if (this.#closed) return;
    this.#timer = this.#clock.setTimeout(
      () => {
        this.#timer = undefined;
        void this.#run();
      },
      ms,
      this.#closing,
    );
  }

  #cancelTimer(): void {
    if (this.#timer === undefined) return;
    this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** The write loop; one at a time. Ends when the queue is empty, short of a batch, or the store fails. */
  async #run(): Promise<void> {
    if (this.#writing || this.#closed) return;
    this.#writing = true;
    try {
      for (;;) {
        this.#batch ??= this.#takeBatch();
        const batch = this.#batch;
        if (batch.length === 0) {
          this.#batch = undefined;
          if (this.#queued === 0) return;
          continue;
        }
        try {
          await this.#insert(batch);
        } catch (error) {
          if (!this.#closed) this.#failed(error);
          return;
        }
        this.#written += batch.length;
        if (this.#closed) {
          // close() ran out of time during this write and counted the batch as lost; it was not.
          this.#dropped -= batch.length;
          return;
        }
        this.#batch = undefined;
        if (this.#failures > 0) this.#recovered();
        if (this.#queued === 0) return;
        if (!this.#closing && this.#queued < this.#batchSize) {
          this.#schedule(this.#flushIntervalMs);
          return;
        }
      }
    } finally {
      this.#writing = false;
      if (this.#isIdle()) this.#notifyIdle();
    }
  }

  #takeBatch(): readonly LedgerRow[] {
    this.#flatten();
    return this.#pending.splice(0, this.#batchSize);
  }

  async #insert(rows: readonly LedgerRow[]): Promise<void> {
    let timer: unknown;
    const insert = this.#store.insert(rows);
    try {
      await Promise.race([
        insert,
        new Promise<never>((_resolve, reject) => {
          timer = this.#clock.setTimeout(
            () => reject(new Error(`the write took longer than ${this.#writeTimeoutMs} ms`)),
            this.#writeTimeoutMs,
            this.#closing,
          );
        }),
      ]);
    } finally {
      this.#clock.clearTimeout(timer);
      // A write that timed out may still settle; its rows are retried, and a late success is harmless.
      insert.catch(() => undefined);
    }
  }

  #failed(error: unknown): void {
    if (this.#failures === 0) this.#failingSince = this.#clock.now();
    this.#failures += 1;
    this.#lastError = messageOf(error);
    const retryInMs = Math.min(this.#retryMaxMs, this.#retryBaseMs * 2 ** Math.min(this.#failures - 1, 30));
    const now = this.#clock.now();
    if (now - this.#lastFailureWarning >= this.#warnIntervalMs) {
      this.#lastFailureWarning = now;
      this.#logger.warn(
        {
          error: this.#lastError,
          failures: this.#failures,
          queueDepth: this.queueDepth,
          maxQueuedRows: this.#maxQueuedRows,
          retryInMs,
        },
        "ledger: writing to the store failed; rows stay queued and the write is retried",
      );
    }
    this.#schedule(retryInMs);
  }

  #recovered(): void {
    this.#logger.info(
      {
        failedForMs: this.#clock.now() - this.#failingSince,
        failures: this.#failures,
        queueDepth: this.queueDepth,
        droppedRows: this.#dropped,
      },
      "ledger: the store is writable again; catching up on queued rows",
    );
    this.#failures = 0;
    this.#flushDropWarning(true);
  }

  #drop(count: number): void {
    this.#dropped += count;
    this.#droppedUnwarned += count;
    this.#flushDropWarning(false);
  }

  #flushDropWarning(force: boolean): void {
    if (this.#droppedUnwarned === 0) return;
    const now = this.#clock.now();
    if (!force && now - this.#lastDropWarning < this.#warnIntervalMs) return;
    this.#lastDropWarning = now;
    this.#logger.warn(
      {
        dropped: this.#droppedUnwarned,
        droppedRows: this.#dropped,
        queueDepth: this.queueDepth,
        maxQueuedRows: this.#maxQueuedRows,
        error: this.#lastError === "" ? undefined : this.#lastError,
      },
      this.#closed
        ? "ledger: reports after shutdown dropped"
        : "ledger: queue full, ledger rows dropped (the store is not keeping up or is down)",
    );
    this.#droppedUnwarned = 0;
  }

  #isIdle(): boolean {
    return !this.#writing && this.queueDepth === 0;
  }

  #notifyIdle(): void {
    for (const resolve of this.#idleWaiters.splice(0)) resolve();
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message.split("\n")[0] || error.name : String(error);
}
