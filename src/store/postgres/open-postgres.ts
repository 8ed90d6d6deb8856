import { Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";
import type { Database } from "../database.js";
import { StoreUnavailableError, reasonOf } from "../store-unavailable-error.js";

export interface PostgresStoreOptions {
  readonly kind: "postgres";
  /** `postgres://user:password@host:port/database` (any libpq URL `pg` accepts). */
  readonly url: string;
  /**
   * A schema to keep the tables in, created when missing (default: the login's `search_path`, usually
   * `public`). Lets several gateways, or parallel test runs, share one database.
   */
  readonly schema?: string;
  /** How long connecting may take before the store counts as unreachable (default 5000). */
  readonly connectTimeoutMs?: number;
  /** Connections in the pool (default 10). */
  readonly maxConnections?: number;
}

export interface OpenedPostgres {
  readonly db: Kysely<Database>;
  /** Where the store is, for messages: `host:port/database`, never the password. */
  readonly target: string;
  /** The schema the tables live in (`current_schema()` of the connection). */
  readonly schema: string;
}

const int8 = 20;
const numeric = 1700;

/**
 * `count(*)` and `sum()` come back as int8 or numeric, which `pg` returns as strings; the ledger's sums
 * stay far below 2^53, so they are parsed as numbers, as better-sqlite3 returns them.
 */
function getTypeParser(id: number, format?: "text" | "binary"): unknown {
  if (id === int8 || id === numeric) return Number;
  const parser: unknown = pg.types.getTypeParser(id, format);
  return parser;
}
const types = { getTypeParser: getTypeParser as pg.CustomTypesConfig["getTypeParser"] };

export async function openPostgres(options: PostgresStoreOptions): Promise<OpenedPostgres> {
  const target = describePostgresTarget(options.url);
  const schema = options.schema;
  if (schema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(schema))
    throw new StoreUnavailableError("postgres", target, `invalid schema name "${schema}"`);
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
    application_name: "switchyard",
    // Notices a peer that vanished without closing (a cut network) instead of waiting on it for ever.
    keepAlive: true,
    types,
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
  });
  // A connection that the server or the network closes (a restart, a failover) is an 'error' event: on
  // the pool while the connection is idle, on the client itself while a query holds it. Unheard, either
  // would end the process. The query in flight fails on its own, the pool drops the dead connection, the
  // next query opens another (or fails), and its caller (the ledger writer) reports and retries.
  pool.on("error", ignore);
  pool.on("connect", (client) => client.on("error", ignore));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    if (schema !== undefined) await createSchema(db, schema);
    const result = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
    const current = result.rows[0]?.schema ?? null;
    if (current === null) throw new Error("the connection has no current schema (check search_path)");
    return { db, target, schema: current };
  } catch (error) {
    await db.destroy().catch(() => undefined);
    throw new StoreUnavailableError("postgres", target, reasonOf(error), { cause: error });
  }
}

function ignore(): void {}

/**
 * `if not exists` does not keep two connections creating one schema at once from failing: one of them
 * then gets a unique violation on pg_namespace, and the schema exists all the same.
 */
async function createSchema(db: Kysely<Database>, schema: string): Promise<void> {
  try {
    await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
  } catch (error) {
    if ((error as { code?: unknown }).code !== "23505") throw error;
  }
}

/** `host:port/database` from a connection URL, for messages; the password never appears. */
export function describePostgresTarget(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "(an unparsable database.url)";
  }
  const host = parsed.hostname !== "" ? parsed.hostname : (parsed.searchParams.get("host") ?? "localhost");
  const port = parsed.port !== "" ? parsed.port : (parsed.searchParams.get("port") ?? "5432");
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ""));
  return `${host}:${port}/${database === "" ? decodeURIComponent(parsed.username) : database}`;
}
