/**
 * The tables of the store as Kysely sees them: one interface per table, snake_case columns. Both
 * backends keep the same columns with the same meaning; a later table (keys, tenants, stored responses)
 * is one more interface here and one more migration in `migrations.ts`.
 *
 * Booleans are integers 0/1 in both backends (SQLite has no boolean, better-sqlite3 cannot bind one),
 * so one query serves both and a report can `sum()` them.
 */
export interface Database {
  readonly ledger_entries: LedgerEntriesTable;
  readonly stored_responses: StoredResponsesTable;
  readonly tenants: TenantsTable;
  readonly api_keys: ApiKeysTable;
  readonly directory_revision: DirectoryRevisionTable;
}

/** Tenants created with the CLI or the admin API; `body` is the configuration file's tenant form as JSON. */
export interface TenantsTable {
  readonly id: string;
  readonly body: string;
  readonly created_at: number;
  readonly updated_at: number;
  /** The directory revision of the last change (see `directory_revision`). */
  readonly revision: number;
}

/** Virtual keys created with the CLI or the admin API: only the key's SHA-256 and its visible prefix. */
export interface ApiKeysTable {
  readonly id: string;
  readonly name: string;
  readonly tenant: string;
  readonly sha256: string;
  readonly prefix: string;
  readonly admin: number;
  /** JSON arrays; null when the key does not narrow its tenant's. */
  readonly models: string | null;
  readonly providers: string | null;
  readonly regions: string | null;
  /** JSON objects: `{"team": "search"}`, `{"rpm": 60, "tpm": 10000}`; budgets a JSON array. */
  readonly labels: string;
  readonly limits: string;
  readonly budgets: string;
  readonly expires_at: number | null;
  readonly revoked_at: number | null;
  readonly created_at: number;
  readonly updated_at: number;
  readonly revision: number;
}

/** One row: the directory's newest revision number. */
export interface DirectoryRevisionTable {
  readonly id: number;
  readonly revision: number;
}

/** Responses API answers kept for `previous_response_id` and `GET /v1/responses/{id}`, per tenant. */
export interface StoredResponsesTable {
  readonly tenant: string;
  readonly id: string;
  /** Epoch milliseconds when it was stored. */
  readonly created_at: number;
  /** The stored response and its conversation, as JSON. */
  readonly body: string;
}

export interface LedgerEntriesTable {
  readonly request_id: string;
  /** Epoch milliseconds (bigint in PostgreSQL, read back as a number). */
  readonly started_at: number;
  readonly tenant: string | null;
  readonly key_id: string | null;
  readonly key_prefix: string | null;
  readonly ingress: string;
  readonly endpoint: string;
  readonly model: string | null;
  readonly stream: number;
  readonly offering: string | null;
  readonly provider: string | null;
  readonly region: string | null;
  readonly route_reason: string | null;
  readonly attempts: number;
  readonly failed_over: number;
  readonly attempts_json: string;
  readonly input_tokens: number;
  readonly cached_input_tokens: number;
  readonly cache_write_input_tokens: number;
  readonly output_tokens: number;
  readonly reasoning_tokens: number;
  readonly usage_estimated: number;
  readonly cost_usd: number | null;
  readonly price_input: number | null;
  readonly price_output: number | null;
  readonly price_cached_input: number | null;
  readonly price_cache_write: number | null;
  readonly latency_ms: number;
  readonly ttft_ms: number | null;
  readonly outcome: string;
  readonly status: number;
  readonly error_code: string | null;
  readonly warnings: string;
  /** Comma-separated capabilities the request needed; null on rows from before migration 0004. */
  readonly capabilities: string | null;
}
