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
 * Opens (or creates) the SQLite file in WAL mode, so a `switchyard report` in another process reads
 * while the gateway writes, and with a busy timeout, so a writer waits for the other's lock instead of
 * failing at once. `synchronous = NORMAL` is WAL's recommended setting: a crash of the process loses
 * nothing; a power cut may lose the last transactions, never the file.
 */
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
    sqlite.pragma("journal_mode = WAL");
    sqlite.pragma("synchronous = NORMAL");
    sqlite.pragma(`busy_timeout = ${busyTimeoutMs}`);
    sqlite.pragma("foreign_keys = ON");
  } catch (error) {
    sqlite.close();
    throw new StoreUnavailableError("sqlite", options.file, reasonOf(error), { cause: error });
  }
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
}
