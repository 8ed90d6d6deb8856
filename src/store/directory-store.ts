import type { Kysely, Selectable, Transaction } from "kysely";
import {
  DuplicateError,
  type DirectoryChanges,
  type DirectoryStore,
  type KeyRecord,
  type TenantRecord,
} from "../governance/directory-records.js";
import type { ApiKeysTable, Database, TenantsTable } from "./database.js";

/**
 * Keys and tenants in the shared store, one set of queries for SQLite and PostgreSQL. Every change takes
 * the next number of `directory_revision` in the same transaction, so a gateway that polls for rows
 * above the revision it last saw misses no change, whichever process made it.
 */
export class SqlDirectoryStore implements DirectoryStore {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async changesSince(revision: number): Promise<DirectoryChanges> {
    // Revisions commit in order (each change holds the counter's row lock until it commits), so every
    // change up to the newest number read here is committed and visible to the reads that follow.
    const { revision: read } = await this.#db
      .selectFrom("directory_revision")
      .select("revision")
      .where("id", "=", 1)
      .executeTakeFirstOrThrow();
    const newest = Number(read);
    if (newest <= revision) return { revision, tenants: [], keys: [] };
    const tenants = await this.#db
      .selectFrom("tenants")
      .selectAll()
      .where("revision", ">", revision)
      .where("revision", "<=", newest)
      .orderBy("revision")
      .execute();
    const keys = await this.#db
      .selectFrom("api_keys")
      .selectAll()
      .where("revision", ">", revision)
      .where("revision", "<=", newest)
      .orderBy("revision")
      .execute();
    // A row changed again after `newest` carries a higher number now: the next poll reads it.
    return { revision: newest, tenants: tenants.map(toTenant), keys: keys.map(toKey) };
  }

  async tenants(): Promise<TenantRecord[]> {
    return (await this.#db.selectFrom("tenants").selectAll().orderBy("id").execute()).map(toTenant);
  }

  async tenant(id: string): Promise<TenantRecord | undefined> {
    const row = await this.#db.selectFrom("tenants").selectAll().where("id", "=", id).executeTakeFirst();
    return row === undefined ? undefined : toTenant(row);
  }

  insertTenant(
    tenant: Omit<TenantRecord, "revision" | "createdAt" | "updatedAt">,
    now: number,
  ): Promise<TenantRecord> {
    return this.#change(async (trx, revision) => {
      const row = {
        id: tenant.id,
        body: JSON.stringify(tenant.body),
        created_at: now,
        updated_at: now,
        revision,
      };
      await trx.insertInto("tenants").values(row).execute();
      return toTenant(row);
    });
  }

  updateTenant(id: string, body: TenantRecord["body"], now: number): Promise<TenantRecord | undefined> {
    return this.#change(async (trx, revision) => {
      const row = await trx
        .updateTable("tenants")
        .set({ body: JSON.stringify(body), updated_at: now, revision })
        .where("id", "=", id)
        .returningAll()
        .executeTakeFirst();
      return row === undefined ? undefined : toTenant(row);
    });
  }

  async keys(filter: { readonly tenant?: string | undefined } = {}): Promise<KeyRecord[]> {
    let query = this.#db.selectFrom("api_keys").selectAll();
    if (filter.tenant !== undefined) query = query.where("tenant", "=", filter.tenant);
    return (await query.orderBy("created_at").orderBy("id").execute()).map(toKey);
  }

  async key(id: string): Promise<KeyRecord | undefined> {
    const row = await this.#db.selectFrom("api_keys").selectAll().where("id", "=", id).executeTakeFirst();
    return row === undefined ? undefined : toKey(row);
  }

  async findKeys(reference: string): Promise<KeyRecord[]> {
    const rows = await this.#db
      .selectFrom("api_keys")
      .selectAll()
      .where((eb) =>
        eb.or([
          eb("id", "=", reference),
          eb("prefix", "=", reference),
          eb.and([eb("name", "=", reference), eb("revoked_at", "is", null)]),
        ]),
      )
      .orderBy("created_at")
      .execute();
    return rows.map(toKey);
  }

  insertKey(key: Omit<KeyRecord, "revision" | "createdAt" | "updatedAt">, now: number): Promise<KeyRecord> {
    return this.#change(async (trx, revision) => {
      const row: Selectable<ApiKeysTable> = {
        id: key.id,
        name: key.name,
        tenant: key.tenant,
        sha256: key.sha256,
        prefix: key.prefix,
        admin: key.admin ? 1 : 0,
        models: jsonOrNull(key.models),
        providers: jsonOrNull(key.providers),
        regions: jsonOrNull(key.regions),
        labels: JSON.stringify(key.labels),
        limits: JSON.stringify(key.limits),
        budgets: JSON.stringify(key.budgets),
        expires_at: key.expiresAt,
        revoked_at: key.revokedAt,
        created_at: now,
        updated_at: now,
        revision,
      };
      await trx.insertInto("api_keys").values(row).execute();
      return toKey(row);
    });
  }

  updateKey(
    id: string,
    changes: Partial<Pick<KeyRecord, "sha256" | "prefix" | "revokedAt">>,
    now: number,
  ): Promise<KeyRecord | undefined> {
    return this.#change(async (trx, revision) => {
      const row = await trx
        .updateTable("api_keys")
        .set({
          ...(changes.sha256 === undefined ? {} : { sha256: changes.sha256 }),
          ...(changes.prefix === undefined ? {} : { prefix: changes.prefix }),
          ...(changes.revokedAt === undefined ? {} : { revoked_at: changes.revokedAt }),
          updated_at: now,
          revision,
        })
        .where("id", "=", id)
        .returningAll()
        .executeTakeFirst();
      return row === undefined ? undefined : toKey(row);
    });
  }

  /** Runs one change in a transaction that takes the next directory revision first (serialising writers). */
  async #change<T>(apply: (trx: Transaction<Database>, revision: number) => Promise<T>): Promise<T> {
    try {
      return await this.#db.transaction().execute(async (trx) => {
        const { revision } = await trx
          .updateTable("directory_revision")
          .set((eb) => ({ revision: eb("revision", "+", 1) }))
          .where("id", "=", 1)
          .returning("revision")
          .executeTakeFirstOrThrow();
        return apply(trx, Number(revision));
      });
    } catch (error) {
      throw duplicateOf(error) ?? error;
    }
  }
}

function jsonOrNull(value: readonly string[] | null): string | null {
  return value === null ? null : JSON.stringify(value);
}

function parseList(value: string | null): string[] | null {
  return value === null ? null : (JSON.parse(value) as string[]);
}

function toTenant(row: Selectable<TenantsTable>): TenantRecord {
  return {
    id: row.id,
    body: JSON.parse(row.body) as Record<string, unknown>,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    revision: Number(row.revision),
  };
}

function toKey(row: Selectable<ApiKeysTable>): KeyRecord {
  return {
    id: row.id,
    name: row.name,
    tenant: row.tenant,
    sha256: row.sha256,
    prefix: row.prefix,
    admin: Number(row.admin) === 1,
    models: parseList(row.models),
    providers: parseList(row.providers),
    regions: parseList(row.regions),
    labels: JSON.parse(row.labels) as Record<string, string>,
    limits: JSON.parse(row.limits) as KeyRecord["limits"],
    budgets: JSON.parse(row.budgets) as KeyRecord["budgets"],
    expiresAt: row.expires_at === null ? null : Number(row.expires_at),
    revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    revision: Number(row.revision),
  };
}

/** SQLite's and PostgreSQL's unique-violation errors, as a DuplicateError naming the column. */
function duplicateOf(error: unknown): DuplicateError | undefined {
  const { code, message, detail, constraint } = error as {
    code?: unknown;
    message?: unknown;
    detail?: unknown;
    constraint?: unknown;
  };
  const text = `${String(message)} ${String(detail)} ${String(constraint)}`;
  if (code !== "23505" && code !== "SQLITE_CONSTRAINT_UNIQUE" && code !== "SQLITE_CONSTRAINT_PRIMARYKEY")
    return undefined;
  if (text.includes("name")) return new DuplicateError("name", "a live key already has this name");
  if (text.includes("sha256")) return new DuplicateError("key", "this key is already stored");
  return new DuplicateError("id", "the id is already taken");
}
