import type { Kysely } from "kysely";
import type { ResponseStore, StoredResponse } from "../gateway/response-store.js";
import type { Database } from "./database.js";

export interface SqlResponseStoreOptions {
  /** A stored response older than this is deleted (OpenAI keeps responses 30 days). */
  readonly retentionMs?: number;
  /** Expired responses are deleted once every this many puts. */
  readonly pruneEvery?: number;
  /** Epoch milliseconds; injected for tests. */
  readonly clock?: () => number;
}

const DAY_MS = 86_400_000;

/**
 * Stored Responses API answers in the shared store (SQLite or PostgreSQL, one set of queries): kept
 * across restarts and seen by every gateway on the same database, so a conversation's next turn may
 * land on another instance. Per tenant by the primary key; expired after the retention period.
 */
export class SqlResponseStore implements ResponseStore {
  readonly #db: Kysely<Database>;
  readonly #retentionMs: number;
  readonly #pruneEvery: number;
  readonly #clock: () => number;
  #puts = 0;

  constructor(db: Kysely<Database>, options: SqlResponseStoreOptions = {}) {
    this.#db = db;
    this.#retentionMs = options.retentionMs ?? 30 * DAY_MS;
    this.#pruneEvery = options.pruneEvery ?? 1_000;
    this.#clock = options.clock ?? Date.now;
  }

  async get(tenant: string, id: string): Promise<StoredResponse | undefined> {
    const row = await this.#db
      .selectFrom("stored_responses")
      .select(["body", "created_at"])
      .where("tenant", "=", tenant)
      .where("id", "=", id)
      .executeTakeFirst();
    if (row === undefined || Number(row.created_at) < this.#clock() - this.#retentionMs) return undefined;
    return JSON.parse(row.body) as StoredResponse;
  }

  async put(tenant: string, stored: StoredResponse): Promise<void> {
    const body = JSON.stringify(stored);
    const createdAt = this.#clock();
    await this.#db
      .insertInto("stored_responses")
      .values({ tenant, id: stored.id, created_at: createdAt, body })
      .onConflict((conflict) =>
        conflict.columns(["tenant", "id"]).doUpdateSet({ body, created_at: createdAt }),
      )
      .execute();
    if (++this.#puts % this.#pruneEvery === 0) await this.prune();
  }

  async delete(tenant: string, id: string): Promise<boolean> {
    const result = await this.#db
      .deleteFrom("stored_responses")
      .where("tenant", "=", tenant)
      .where("id", "=", id)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  /** Deletes the responses older than the retention period; returns how many. */
  async prune(): Promise<number> {
    const result = await this.#db
      .deleteFrom("stored_responses")
      .where("created_at", "<", this.#clock() - this.#retentionMs)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
