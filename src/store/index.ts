export type { LedgerFilter, LedgerStore } from "./ledger-store.js";
export { openStore, type Store, type StoreOptions } from "./open-store.js";
export { StoreUnavailableError } from "./store-unavailable-error.js";
export type { PostgresStoreOptions } from "./postgres/open-postgres.js";
export type { SqliteStoreOptions } from "./sqlite/open-sqlite.js";
