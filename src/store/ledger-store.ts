import { CompiledQuery, type Insertable, type Kysely, type Selectable } from "kysely";
import type { Endpoint, IngressFormat, RequestOutcome } from "../core/request-report.js";
import type { LedgerRow } from "../ledger/ledger-row.js";
import type { Database, LedgerEntriesTable } from "./database.js";

/** Which ledger rows to read. Times are epoch milliseconds: `from` inclusive, `to` exclusive. */
export interface LedgerFilter {
  readonly from?: number;
  readonly to?: number;
  readonly tenant?: string;
  readonly keyId?: string;
}

/** The ledger's table: rows go in once (by request id) and come out in time order. */
export interface LedgerStore {
  /**
   * Writes the rows in one statement per chunk of {@link insertChunkRows}. Idempotent on the request id:
   * a row whose id is already stored is left as it is, so a retried batch never writes a row twice.
   */
  insert(rows: readonly LedgerRow[]): Promise<void>;
  /**
   * The rows in the filter, ordered by `startedAt` then `requestId`, read page by page so a long period
   * never sits in memory at once. A row written while the iteration runs is seen if it sorts after the
   * current page.
   */
  rows(filter?: LedgerFilter): AsyncIterable<LedgerRow>;
  count(filter?: LedgerFilter): Promise<number>;
  /** The sum of the rows' costs in USD (what a budget window is seeded with). */
  spendUsd(filter?: LedgerFilter): Promise<number>;
}

const columnCount = 34;
/**
 * The most rows one INSERT carries: SQLite binds at most 32,766 parameters per statement, PostgreSQL
 * 65,535, and every row takes one per column.
 */
export const insertChunkRows = Math.floor(30_000 / columnCount);

/** How many batch sizes keep their INSERT's SQL: full batches, and a few sizes of partial ones. */
const statementCacheSize = 16;

/**
 * The ledger's columns in {@link toLedgerRecord}'s order, which is the order of a one-row INSERT's
 * parameters and of {@link appendLedgerValues} (a test holds the three equal).
 */
export const ledgerColumns: readonly (keyof LedgerEntriesTable)[] = [
  "request_id",
  "started_at",
  "tenant",
  "key_id",
  "key_prefix",
  "ingress",
  "endpoint",
  "model",
  "stream",
  "offering",
  "provider",
  "region",
  "route_reason",
  "attempts",
  "failed_over",
  "attempts_json",
  "input_tokens",
  "cached_input_tokens",
  "cache_write_input_tokens",
  "output_tokens",
  "reasoning_tokens",
  "usage_estimated",
  "cost_usd",
  "price_input",
  "price_output",
  "price_cached_input",
  "price_cache_write",
  "latency_ms",
  "ttft_ms",
  "outcome",
  "status",
  "error_code",
  "warnings",
  "capabilities",
];

/**
 * Appends one row's values to `values` in {@link ledgerColumns}' order, converted as
 * {@link toLedgerRecord} converts them, for the SQLite ledger's one-row INSERTs. Written out field by
 * field: a loop over a column table reads each field by a computed name, which cost about 12,500
 * instructions a row under callgrind, several times this (bench/RESULTS.md, "2026-12-03, evening").
 */
export function appendLedgerValues(row: LedgerRow, values: unknown[]): void {
  values.push(
    row.requestId,
    Math.round(row.startedAt),
    row.tenant,
    row.keyId,
    row.keyPrefix,
    row.ingress,
    row.endpoint,
    row.model,
    row.stream ? 1 : 0,
    row.offering,
    row.provider,
    row.region,
    row.routeReason,
    row.attempts,
    row.failedOver ? 1 : 0,
    row.attemptsJson,
    row.inputTokens,
    row.cachedInputTokens,
    row.cacheWriteInputTokens,
    row.outputTokens,
    row.reasoningTokens,
    row.usageEstimated ? 1 : 0,
    row.costUsd,
    row.priceInput,
    row.priceOutput,
    row.priceCachedInput,
    row.priceCacheWrite,
    Math.round(row.latencyMs),
    row.ttftMs === null ? null : Math.round(row.ttftMs),
    row.outcome,
    row.status,
    row.errorCode,
    row.warnings,
    row.capabilities,
  );
}

/**
 * The SQL of a one-row INSERT that leaves a stored request id alone, with its parameters in
 * {@link ledgerColumns}' order: the query builder's, for the Kysely instance's dialect.
 */
export function ledgerInsertRowSql(db: Kysely<Database>): string {
  // Every column given, as a parameter: the values themselves are the worker's.
  const record = Object.fromEntries(ledgerColumns.map((column) => [column, null]));
  const compiled = db
    .insertInto("ledger_entries")
    .values(record as unknown as Insertable<LedgerEntriesTable>)
    .onConflict((conflict) => conflict.column("request_id").doNothing())
    .compile();
  if (compiled.parameters.length !== ledgerColumns.length)
    throw new Error("the ledger INSERT does not take one parameter per column");
  return compiled.sql;
}

/** One set of queries for both backends: the Kysely instance decides the SQL dialect. */
export class SqlLedgerStore implements LedgerStore {
  readonly #db: Kysely<Database>;
  readonly #pageSize: number;
  /** Row count → the INSERT's SQL for that many rows. */
  readonly #statements = new Map<number, string>();

  constructor(db: Kysely<Database>, options: { readonly pageSize?: number } = {}) {
    this.#db = db;
    this.#pageSize = options.pageSize ?? 1_000;
  }

  async insert(rows: readonly LedgerRow[]): Promise<void> {
    for (let start = 0; start < rows.length; start += insertChunkRows) {
      const records = rows.slice(start, start + insertChunkRows).map(toLedgerRecord);
      const sql = this.#statements.get(records.length);
      if (sql !== undefined) {
        await this.#db.executeQuery(CompiledQuery.raw(sql, parametersOf(records)));
        continue;
      }
      const compiled = this.#db
        .insertInto("ledger_entries")
        .values(records)
        .onConflict((conflict) => conflict.column("request_id").doNothing())
        .compile();
      this.#remember(records, compiled);
      await this.#db.executeQuery(compiled);
    }
  }

  /**
   * Building a batch's INSERT through the query builder costs more CPU than the database spends on it
   * (about 0.1 ms a row for a 500-row batch): the SQL of each batch size is kept, and a batch of a size
   * seen before only lays out its values. Kept only when the builder's parameters are exactly that
   * layout, so the SQL stays the builder's.
   */
  #remember(records: readonly Insertable<LedgerEntriesTable>[], compiled: CompiledQuery): void {
    const laidOut = parametersOf(records);
    const same =
      laidOut.length === compiled.parameters.length &&
      laidOut.every((value, index) => Object.is(value, compiled.parameters[index]));
    if (!same) return;
    if (this.#statements.size >= statementCacheSize) {
      const oldest = this.#statements.keys().next();
      if (oldest.done !== true) this.#statements.delete(oldest.value);
    }
    this.#statements.set(records.length, compiled.sql);
  }

  async *rows(filter: LedgerFilter = {}): AsyncIterable<LedgerRow> {
    let after: { readonly startedAt: number; readonly requestId: string } | undefined;
    for (;;) {
      let query = this.#filtered(filter).selectAll();
      if (after !== undefined) {
        const { startedAt, requestId } = after;
        query = query.where((eb) =>
          eb.or([
            eb("started_at", ">", startedAt),
            eb.and([eb("started_at", "=", startedAt), eb("request_id", ">", requestId)]),
          ]),
        );
      }
      const page = await query.orderBy("started_at").orderBy("request_id").limit(this.#pageSize).execute();
      for (const record of page) yield fromRecord(record);
      const last = page.at(-1);
      if (last === undefined || page.length < this.#pageSize) return;
      after = { startedAt: Number(last.started_at), requestId: last.request_id };
    }
  }

  async count(filter: LedgerFilter = {}): Promise<number> {
    const result = await this.#filtered(filter)
      .select((eb) => eb.fn.countAll().as("count"))
      .executeTakeFirstOrThrow();
    return Number(result.count);
  }

  async spendUsd(filter: LedgerFilter = {}): Promise<number> {
    const result = await this.#filtered(filter)
      .select((eb) => eb.fn.sum<number | string | null>("cost_usd").as("spend"))
      .executeTakeFirstOrThrow();
    return Number(result.spend ?? 0);
  }

  #filtered(filter: LedgerFilter) {
    let query = this.#db.selectFrom("ledger_entries");
    if (filter.from !== undefined) query = query.where("started_at", ">=", filter.from);
    if (filter.to !== undefined) query = query.where("started_at", "<", filter.to);
    if (filter.tenant !== undefined) query = query.where("tenant", "=", filter.tenant);
    if (filter.keyId !== undefined) query = query.where("key_id", "=", filter.keyId);
    return query;
  }
}

/** The values of each record in column order, as the query builder lays them out for `values()`. */
function parametersOf(records: readonly Insertable<LedgerEntriesTable>[]): unknown[] {
  const parameters: unknown[] = [];
  for (const record of records) for (const value of Object.values(record)) parameters.push(value);
  return parameters;
}

/** A row as the query builder inserts it: snake_case columns, flags as 0/1, milliseconds rounded. */
export function toLedgerRecord(row: LedgerRow): Insertable<LedgerEntriesTable> {
  return {
    request_id: row.requestId,
    started_at: Math.round(row.startedAt),
    tenant: row.tenant,
    key_id: row.keyId,
    key_prefix: row.keyPrefix,
    ingress: row.ingress,
    endpoint: row.endpoint,
    model: row.model,
    stream: row.stream ? 1 : 0,
    offering: row.offering,
    provider: row.provider,
    region: row.region,
    route_reason: row.routeReason,
    attempts: row.attempts,
    failed_over: row.failedOver ? 1 : 0,
    attempts_json: row.attemptsJson,
    input_tokens: row.inputTokens,
    cached_input_tokens: row.cachedInputTokens,
    cache_write_input_tokens: row.cacheWriteInputTokens,
    output_tokens: row.outputTokens,
    reasoning_tokens: row.reasoningTokens,
    usage_estimated: row.usageEstimated ? 1 : 0,
    cost_usd: row.costUsd,
    price_input: row.priceInput,
    price_output: row.priceOutput,
    price_cached_input: row.priceCachedInput,
    price_cache_write: row.priceCacheWrite,
    // Integer columns: a fractional millisecond from a monotonic clock is rounded, never refused.
    latency_ms: Math.round(row.latencyMs),
    ttft_ms: row.ttftMs === null ? null : Math.round(row.ttftMs),
    outcome: row.outcome,
    status: row.status,
    error_code: row.errorCode,
    warnings: row.warnings,
    capabilities: row.capabilities,
  };
}

function fromRecord(record: Selectable<LedgerEntriesTable>): LedgerRow {
  return {
    requestId: record.request_id,
    startedAt: Number(record.started_at),
    tenant: record.tenant,
    keyId: record.key_id,
    keyPrefix: record.key_prefix,
    ingress: record.ingress as IngressFormat,
    endpoint: record.endpoint as Endpoint,
    model: record.model,
    stream: record.stream === 1,
    offering: record.offering,
    provider: record.provider,
    region: record.region,
    routeReason: record.route_reason,
    attempts: record.attempts,
    failedOver: record.failed_over === 1,
    attemptsJson: record.attempts_json,
    inputTokens: record.input_tokens,
    cachedInputTokens: record.cached_input_tokens,
    cacheWriteInputTokens: record.cache_write_input_tokens,
    outputTokens: record.output_tokens,
    reasoningTokens: record.reasoning_tokens,
    usageEstimated: record.usage_estimated === 1,
    costUsd: record.cost_usd,
    priceInput: record.price_input,
    priceOutput: record.price_output,
    priceCachedInput: record.price_cached_input,
    priceCacheWrite: record.price_cache_write,
    latencyMs: record.latency_ms,
    ttftMs: record.ttft_ms,
    outcome: record.outcome as RequestOutcome,
    status: record.status,
    errorCode: record.error_code,
    warnings: record.warnings,
    capabilities: record.capabilities,
  };
}
