import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import type * as WorkerThreads from "node:worker_threads";
import type BetterSqlite3 from "better-sqlite3";
import type { Kysely } from "kysely";
import type { LedgerRow } from "../../ledger/ledger-row.js";
import type { Database } from "../database.js";
import {
  appendLedgerValues,
  ledgerColumns,
  ledgerInsertRowSql,
  SqlLedgerStore,
  type LedgerFilter,
  type LedgerStore,
} from "../ledger-store.js";
import { sqlitePragmas } from "./open-sqlite.js";

/** What the worker is started with. */
interface LedgerWorkerData {
  /** The resolved path of better-sqlite3: the worker's code runs from a string, with no module of its own. */
  readonly driver: string;
  readonly file: string;
  readonly busyTimeoutMs: number;
  readonly pragmas: readonly string[];
  /** The one-row INSERT, parameters in `ledgerColumns` order. */
  readonly sql: string;
  readonly columns: number;
}

type ToWorker =
  /** `values`: the batch's rows as one JSON array of their values, row after row (`appendLedgerValues`). */
  { readonly type: "insert"; readonly id: number; readonly values: string } | { readonly type: "close" };
interface FromWorker {
  readonly id: number;
  /** Absent when the batch was committed. */
  readonly error?: string;
}

/**
 * The worker's whole program. better-sqlite3 is synchronous: a 500-row batch held the event loop for
 * 4–20 ms, and cost about 17 µs of the main thread's CPU a row through the query builder. Here a batch
 * is one transaction of a prepared one-row INSERT on the worker's own connection, so requests never
 * wait on it. It runs from its source text (see `workerSource`), so it may use nothing from this
 * module's scope: only its arguments and what it requires.
 *
 * A batch arrives as one JSON text of its values rather than as row objects: under callgrind, the
 * structured clone of a row object cost about 17,000 instructions on the event loop and 29,000 here,
 * `JSON.stringify` of its values about 8,000 and `JSON.parse` 13,000; and better-sqlite3 binds a
 * spread argument list for about 27,000 instructions a row against 40,000 for one array
 * (bench/RESULTS.md, "2026-12-03, evening").
 */
function ledgerWorkerMain(load: (id: string) => unknown): void {
  const threads = load("node:worker_threads") as typeof WorkerThreads;
  const parentPort = threads.parentPort;
  const data = threads.workerData as LedgerWorkerData;
  const Sqlite = load(data.driver) as typeof BetterSqlite3;
  let db: BetterSqlite3.Database | undefined;
  let insertBatch: ((values: readonly unknown[]) => void) | undefined;

  // Opened at the first batch, and again after a failure: a file that was removed, a full disk or a
  // broken connection is then seen afresh by the writer's retry.
  function writer(): (values: readonly unknown[]) => void {
    if (insertBatch !== undefined) return insertBatch;
    const opened = new Sqlite(data.file, { timeout: data.busyTimeoutMs, fileMustExist: true });
    try {
      for (const pragma of data.pragmas) opened.pragma(pragma);
      const statement = opened.prepare(data.sql);
      const columns = data.columns;
      insertBatch = opened.transaction((values: readonly unknown[]) => {
        for (let start = 0; start < values.length; start += columns)
          statement.run(...values.slice(start, start + columns));
      });
    } catch (error) {
      opened.close();
      throw error;
    }
    db = opened;
    return insertBatch;
  }

  function reset(): void {
    insertBatch = undefined;
    try {
      db?.close();
    } catch {
      // Closing a broken connection may fail too; it is dropped either way.
    }
    db = undefined;
  }

  parentPort?.on("message", (message: ToWorker) => {
    if (message.type === "close") {
      reset();
      parentPort.close();
      return;
    }
    let reply: FromWorker;
    try {
      writer()(JSON.parse(message.values) as unknown[]);
      reply = { id: message.id };
    } catch (error) {
      reset();
      const text = error instanceof Error ? error.message : String(error);
      const code = (error as { code?: unknown } | null)?.code;
      reply = { id: message.id, error: typeof code === "string" ? `${code}: ${text}` : text };
    }
    parentPort.postMessage(reply);
  });
}

const workerSource = `(${ledgerWorkerMain.toString()})(require);`;
const driverPath = createRequire(import.meta.url).resolve("better-sqlite3");

interface PendingInsert {
  resolve(): void;
  reject(error: Error): void;
}

/**
 * The SQLite ledger: inserts go to a worker thread with its own connection (WAL lets the two
 * connections, and other processes, read while it writes); reads stay on the store's connection. The
 * writer's guarantees stay the writer's (`LedgerWriter`): an insert resolves once its batch is committed
 * and rejects when it failed, a batch is one transaction, and a retried batch is harmless (a stored
 * request id is left alone). A worker that dies fails the inserts it held and is started again by the
 * next one.
 */
export class SqliteLedgerStore implements LedgerStore {
  readonly #reads: SqlLedgerStore;
  readonly #workerData: LedgerWorkerData;
  readonly #pending = new Map<number, PendingInsert>();
  #worker: Worker | undefined;
  #nextId = 0;
  #closed: Promise<void> | undefined;

  constructor(db: Kysely<Database>, options: { readonly file: string; readonly busyTimeoutMs: number }) {
    this.#reads = new SqlLedgerStore(db);
    this.#workerData = {
      driver: driverPath,
      file: options.file,
      busyTimeoutMs: options.busyTimeoutMs,
      pragmas: sqlitePragmas(options.busyTimeoutMs),
      sql: ledgerInsertRowSql(db),
      columns: ledgerColumns.length,
    };
  }

  insert(rows: readonly LedgerRow[]): Promise<void> {
    if (this.#closed !== undefined) return Promise.reject(new Error("the SQLite ledger store is closed"));
    if (rows.length === 0) return Promise.resolve();
    const worker = this.#worker ?? this.#start();
    const id = ++this.#nextId;
    return new Promise<void>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      // The worker keeps the process alive only while it holds rows.
      worker.ref();
      const values: unknown[] = [];
      for (const row of rows) appendLedgerValues(row, values);
      worker.postMessage({ type: "insert", id, values: JSON.stringify(values) } satisfies ToWorker);
    });
  }

  rows(filter?: LedgerFilter): AsyncIterable<LedgerRow> {
    return this.#reads.rows(filter);
  }

  count(filter?: LedgerFilter): Promise<number> {
    return this.#reads.count(filter);
  }

  spendUsd(filter?: LedgerFilter): Promise<number> {
    return this.#reads.spendUsd(filter);
  }

  /** Lets the inserts already sent finish (they are ahead of the close in the worker's queue), then stops it. */
  close(): Promise<void> {
    this.#closed ??= this.#stopWorker();
    return this.#closed;
  }

  async #stopWorker(): Promise<void> {
    const worker = this.#worker;
    if (worker === undefined) return;
    const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
    worker.ref();
    worker.postMessage({ type: "close" } satisfies ToWorker);
    await exited;
  }

  #start(): Worker {
    const worker = new Worker(workerSource, { eval: true, workerData: this.#workerData });
    worker.unref();
    worker.on("message", (message: FromWorker) => {
      const pending = this.#pending.get(message.id);
      this.#pending.delete(message.id);
      if (this.#pending.size === 0) worker.unref();
      if (message.error === undefined) pending?.resolve();
      else pending?.reject(new Error(message.error));
    });
    worker.on("error", (error) => this.#stopped(worker, error.message));
    worker.on("exit", (code) => this.#stopped(worker, `it exited with code ${code}`));
    this.#worker = worker;
    return worker;
  }

  /** The worker is gone (an uncaught error, or its exit): what it held failed, and is retried by the writer. */
  #stopped(worker: Worker, reason: string): void {
    if (this.#worker !== worker) return;
    this.#worker = undefined;
    const error = new Error(`the SQLite ledger worker stopped: ${reason}`);
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
  }
}
