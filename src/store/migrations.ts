import { Migrator, sql, type Kysely, type Migration, type MigrationResult } from "kysely";

/**
 * The one migration list of the store, for both backends. Each migration is written once with types
 * both understand (`text`, `integer`, `bigint`, `double precision`), so SQLite and PostgreSQL hold the
 * same schema. A shipped migration is never edited: a change is a new entry, named so that it sorts
 * after the last one (`0002_keys`, `0003_tenants`…), which the Migrator runs in name order at open.
 */
export const migrations: Readonly<Record<string, Migration>> = {
  "0001_ledger": {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable("ledger_entries")
        .addColumn("request_id", "text", (column) => column.primaryKey())
        .addColumn("started_at", "bigint", (column) => column.notNull())
        .addColumn("tenant", "text")
        .addColumn("key_id", "text")
        .addColumn("key_prefix", "text")
        .addColumn("ingress", "text", (column) => column.notNull())
        .addColumn("endpoint", "text", (column) => column.notNull())
        .addColumn("model", "text")
        .addColumn("stream", "integer", (column) => column.notNull())
        .addColumn("offering", "text")
        .addColumn("provider", "text")
        .addColumn("region", "text")
        .addColumn("route_reason", "text")
        .addColumn("attempts", "integer", (column) => column.notNull())
        .addColumn("failed_over", "integer", (column) => column.notNull())
        .addColumn("attempts_json", "text", (column) => column.notNull())
        .addColumn("input_tokens", "integer", (column) => column.notNull())
        .addColumn("cached_input_tokens", "integer", (column) => column.notNull())
        .addColumn("cache_write_input_tokens", "integer", (column) => column.notNull())
        .addColumn("output_tokens", "integer", (column) => column.notNull())
        .addColumn("reasoning_tokens", "integer", (column) => column.notNull())
        .addColumn("usage_estimated", "integer", (column) => column.notNull())
        .addColumn("cost_usd", "double precision")
        .addColumn("price_input", "double precision")
        .addColumn("price_output", "double precision")
        .addColumn("price_cached_input", "double precision")
        .addColumn("price_cache_write", "double precision")
        .addColumn("latency_ms", "integer", (column) => column.notNull())
        .addColumn("ttft_ms", "integer")
        .addColumn("outcome", "text", (column) => column.notNull())
        .addColumn("status", "integer", (column) => column.notNull())
        .addColumn("error_code", "text")
        .addColumn("warnings", "text", (column) => column.notNull())
        .execute();
      // `request_id` trails both indexes: the ledger is read in (started_at, request_id) pages.
      await db.schema
        .createIndex("ledger_entries_started_at")
        .on("ledger_entries")
        .columns(["started_at", "request_id"])
        .execute();
      await db.schema
        .createIndex("ledger_entries_tenant_started_at")
        .on("ledger_entries")
        .columns(["tenant", "started_at", "request_id"])
        .execute();
    },
  },
  "0002_stored_responses": {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable("stored_responses")
        .addColumn("tenant", "text", (column) => column.notNull())
        .addColumn("id", "text", (column) => column.notNull())
        .addColumn("created_at", "bigint", (column) => column.notNull())
        .addColumn("body", "text", (column) => column.notNull())
        .addPrimaryKeyConstraint("stored_responses_pk", ["tenant", "id"])
        .execute();
      await db.schema
        .createIndex("stored_responses_created_at")
        .on("stored_responses")
        .column("created_at")
        .execute();
    },
  },
  "0003_directory": {
    async up(db: Kysely<unknown>): Promise<void> {
      // Tenants kept in the store, in the configuration file's form (`policy`, `limits`, `budgets`) as JSON.
      await db.schema
        .createTable("tenants")
        .addColumn("id", "text", (column) => column.primaryKey())
        .addColumn("body", "text", (column) => column.notNull())
        .addColumn("created_at", "bigint", (column) => column.notNull())
        .addColumn("updated_at", "bigint", (column) => column.notNull())
        .addColumn("revision", "bigint", (column) => column.notNull())
        .execute();
      await db.schema
        .createTable("api_keys")
        .addColumn("id", "text", (column) => column.primaryKey())
        .addColumn("name", "text", (column) => column.notNull())
        .addColumn("tenant", "text", (column) => column.notNull())
        .addColumn("sha256", "text", (column) => column.notNull().unique())
        .addColumn("prefix", "text", (column) => column.notNull())
        .addColumn("admin", "integer", (column) => column.notNull())
        // Narrowings, labels, limits and budgets as JSON (null: not narrowed).
        .addColumn("models", "text")
        .addColumn("providers", "text")
        .addColumn("regions", "text")
        .addColumn("labels", "text", (column) => column.notNull())
        .addColumn("limits", "text", (column) => column.notNull())
        .addColumn("budgets", "text", (column) => column.notNull())
        .addColumn("expires_at", "bigint")
        .addColumn("revoked_at", "bigint")
        .addColumn("created_at", "bigint", (column) => column.notNull())
        .addColumn("updated_at", "bigint", (column) => column.notNull())
        .addColumn("revision", "bigint", (column) => column.notNull())
        .execute();
      // A live key's name is unique; a revoked key's name may be taken again.
      await db.schema
        .createIndex("api_keys_live_name")
        .on("api_keys")
        .column("name")
        .unique()
        .where(sql.ref("revoked_at"), "is", null)
        .execute();
      await db.schema.createIndex("api_keys_revision").on("api_keys").column("revision").execute();
      await db.schema.createIndex("tenants_revision").on("tenants").column("revision").execute();
      // One counter every change to a key or a tenant takes a number from: gateways poll for rows above theirs.
      await db.schema
        .createTable("directory_revision")
        .addColumn("id", "integer", (column) => column.primaryKey())
        .addColumn("revision", "bigint", (column) => column.notNull())
        .execute();
      await sql`insert into directory_revision (id, revision) values (1, 0)`.execute(db);
      // Budgets are seeded from the ledger per key as well as per tenant.
      await db.schema
        .createIndex("ledger_entries_key_started_at")
        .on("ledger_entries")
        .columns(["key_id", "started_at"])
        .execute();
    },
  },
  "0004_ledger_capabilities": {
    async up(db: Kysely<unknown>): Promise<void> {
      // What each request needed (chat, tools, vision, json, embeddings): the what-if report re-prices a
      // request only on offerings that had them. Rows written before this migration have none (null).
      await db.schema.alterTable("ledger_entries").addColumn("capabilities", "text").execute();
    },
  },
};

/** The names of the Migrator's own bookkeeping tables. */
export const migrationTables = {
  migrationTableName: "switchyard_migrations",
  migrationLockTableName: "switchyard_migration_lock",
} as const;

/**
 * Brings the schema up to the newest migration.
 *
 * - `schema` (PostgreSQL) names the schema the bookkeeping tables live in (the connection's
 *   `current_schema()`): Kysely otherwise looks for them in every schema of the database and would take
 *   another schema's for its own. PostgreSQL's migrations are serialised by Kysely's advisory lock.
 * - `exclusive` (SQLite) runs everything in one `BEGIN IMMEDIATE` transaction: Kysely takes no lock on
 *   SQLite, and two processes opening a new file at once (a gateway and a `switchyard report`) would both
 *   create the tables. With the write lock taken first, the second waits and then finds them.
 */
export async function migrateToLatest(
  db: Kysely<unknown>,
  options: {
    readonly schema?: string | undefined;
    readonly exclusive?: { readonly busyTimeoutMs: number } | undefined;
  },
): Promise<readonly MigrationResult[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve(migrations) },
    ...migrationTables,
    ...(options.schema === undefined ? {} : { migrationTableSchema: options.schema }),
    ...(options.exclusive === undefined ? {} : { disableTransactions: true }),
  });
  if (options.exclusive !== undefined) await beginImmediate(db, options.exclusive.busyTimeoutMs);
  const { error, results } = await migrator.migrateToLatest();
  if (options.exclusive !== undefined) await sql.raw(error === undefined ? "commit" : "rollback").execute(db);
  if (error !== undefined) {
    const failed = results?.find((result) => result.status === "Error")?.migrationName;
    throw new MigrationError(failed, error);
  }
  return results ?? [];
}

/**
 * Takes SQLite's write lock, waiting up to `busyTimeoutMs` for another connection's. The wait is a loop
 * of short asynchronous sleeps rather than SQLite's own busy wait, which blocks the thread: a connection
 * of the same process holding the lock could then never finish and release it.
 */
async function beginImmediate(db: Kysely<unknown>, busyTimeoutMs: number): Promise<void> {
  const deadline = Date.now() + busyTimeoutMs;
  await sql`pragma busy_timeout = 0`.execute(db);
  try {
    for (;;) {
      try {
        await sql`begin immediate`.execute(db);
        return;
      } catch (error) {
        if ((error as { code?: unknown }).code !== "SQLITE_BUSY" || Date.now() >= deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
  } finally {
    await sql.raw(`pragma busy_timeout = ${Math.trunc(busyTimeoutMs)}`).execute(db);
  }
}

export class MigrationError extends Error {
  override readonly name = "MigrationError";
  constructor(
    readonly migration: string | undefined,
    cause: unknown,
  ) {
    super(`${migration === undefined ? "migrating" : `migration ${migration}`} failed: ${messageOf(cause)}`, {
      cause,
    });
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
