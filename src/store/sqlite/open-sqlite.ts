import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { Kysely, SqliteDialect } from "kysely";
import type { Database } from "../database.js";
import { StoreUnavailableError, reasonOf } from "../store-unavailable-error.js";

export interface SqliteStoreOptions {
  readonly kind: "sqlite";
  /** The database file (its directory is created when missing), or `:memory:`. */
  readonly file: string;
  /** How long a statement waits for another process's write lock before failing (default 5000). */
  readonly busyTimeoutMs?: number;
}

export const defaultBusyTimeoutMs = 5_000;

/**
 * The settings of every connection to the file, the gateway's and its ledger writer's (see
 * `sqlite-ledger-store.ts`): WAL, so a `switchyard report` in another process, or the gateway's own
 * reads, go on while the ledger is written; a busy timeout, so a writer waits for another's lock instead
 * of failing at once. `synchronous = NORMAL` is WAL's recommended setting: a crash of the process loses
 * nothing; a power cut may lose the last transactions, never the file.
 */
export function sqlitePragmas(busyTimeoutMs: number): readonly string[] {
  return [
    "journal_mode = WAL",
    "synchronous = NORMAL",
    `busy_timeout = ${busyTimeoutMs}`,
    "foreign_keys = ON",
  ];
}

/** Opens (or creates) the SQLite file with {@link sqlitePragmas}, as a Kysely instance. */
export function openSqlite(options: SqliteStoreOptions): Kysely<Database> {
  const busyTimeoutMs = options.busyTimeoutMs ?? defaultBusyTimeoutMs;
  let sqlite: BetterSqlite3.Database;
  try {
    if (options.file !== ":memory:") mkdirSync(dirname(options.file), { recursive: true });
    sqlite = new BetterSqlite3(options.file, { timeout: busyTimeoutMs });
  } catch (error) {
    throw new StoreUnavailableError("sqlite", options.file, reasonOf(error), { cause: error });
  }
  try {
    for (const pragma of sqlitePragmas(busyTimeoutMs)) sqlite.pragma(pragma);
  } catch (error) {
    sqlite.close();
    throw new StoreUnavailableError("sqlite", options.file, reasonOf(error), { cause: error });
  }
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
}
