import type { Kysely } from "kysely";
import type { Database } from "./database.js";
import { SqlLedgerStore, type LedgerStore } from "./ledger-store.js";
import { SqlResponseStore } from "./response-store.js";
import { SqlDirectoryStore } from "./directory-store.js";
import { MigrationError, migrateToLatest } from "./migrations.js";
import { openPostgres, type PostgresStoreOptions } from "./postgres/open-postgres.js";
import { defaultBusyTimeoutMs, openSqlite, type SqliteStoreOptions } from "./sqlite/open-sqlite.js";
import { SqliteLedgerStore } from "./sqlite/sqlite-ledger-store.js";
import { StoreUnavailableError, reasonOf } from "./store-unavailable-error.js";

export type StoreOptions = SqliteStoreOptions | PostgresStoreOptions;

/**
 * The gateway's persistent state behind small interfaces, one per concern, over one connection (pool)
 * and one migrated schema. Today the ledger; keys, tenants, budgets and stored responses join as more
 * fields here, each a small class over the same Kysely instance with its own migration.
 */
export interface Store {
  readonly backend: StoreOptions["kind"];
  /** The file, or `host:port/database` (never a password). */
  readonly target: string;
  readonly ledger: LedgerStore;
  /** Stored Responses API answers (`previous_response_id`), per tenant. */
  readonly responses: SqlResponseStore;
  /** Keys and tenants created with the CLI or the admin API. */
  readonly directory: SqlDirectoryStore;
  /** Closes the connection(s); pending queries finish first. */
  close(): Promise<void>;
}

/**
 * Opens the store and brings its schema up to date. Fails with a {@link StoreUnavailableError} (one line:
 * backend, where, what failed) when the database cannot be reached or migrated.
 */
export async function openStore(options: StoreOptions): Promise<Store> {
  let db: Kysely<Database>;
  let target: string;
  let schema: string | undefined;
  if (options.kind === "sqlite") {
    db = openSqlite(options);
    target = options.file;
  } else {
    ({ db, target, schema } = await openPostgres(options));
  }
  try {
    await migrateToLatest(db as Kysely<unknown>, {
      schema,
      exclusive:
        options.kind === "sqlite"
          ? { busyTimeoutMs: options.busyTimeoutMs ?? defaultBusyTimeoutMs }
          : undefined,
    });
  } catch (error) {
    await db.destroy().catch(() => undefined);
    const reason = error instanceof MigrationError ? error.message : reasonOf(error);
    throw new StoreUnavailableError(options.kind, target, reason, { cause: error });
  }
  // SQLite is synchronous: its ledger inserts run on a worker thread, off the event loop. An in-memory
  // database cannot be shared with another connection, so it keeps them on its own (tests).
  const ledger =
    options.kind === "sqlite" && options.file !== ":memory:"
      ? new SqliteLedgerStore(db, {
          file: options.file,
          busyTimeoutMs: options.busyTimeoutMs ?? defaultBusyTimeoutMs,
        })
      : new SqlLedgerStore(db);
  return new SqlStore(options.kind, target, db, ledger);
}

class SqlStore implements Store {
  readonly responses: SqlResponseStore;
  readonly directory: SqlDirectoryStore;
  readonly #db: Kysely<Database>;
  readonly #ledger: SqlLedgerStore | SqliteLedgerStore;
  #closed: Promise<void> | undefined;

  constructor(
    readonly backend: StoreOptions["kind"],
    readonly target: string,
    db: Kysely<Database>,
    ledger: SqlLedgerStore | SqliteLedgerStore,
  ) {
    this.#db = db;
    this.#ledger = ledger;
    this.responses = new SqlResponseStore(db);
    this.directory = new SqlDirectoryStore(db);
  }

  get ledger(): LedgerStore {
    return this.#ledger;
  }

  close(): Promise<void> {
    this.#closed ??= this.#closeAll();
    return this.#closed;
  }

  async #closeAll(): Promise<void> {
    // The ledger's writes in flight are committed before the connection goes.
    if (this.#ledger instanceof SqliteLedgerStore) await this.#ledger.close();
    await this.#db.destroy();
  }
}
