import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { openStore, type Store, type StoreOptions } from "../../src/store/index.js";

/**
 * The real PostgreSQL the store suite runs on (`.ci/run` starts it when it is down). Trust auth on
 * loopback; `SWITCHYARD_TEST_POSTGRES_URL` points elsewhere.
 */
export const testPostgresUrl =
  process.env["SWITCHYARD_TEST_POSTGRES_URL"] ?? "postgres://postgres@127.0.0.1:5432/test";

/** A backend the store suite runs on, each run isolated: a temp file, or a schema of its own. */
export interface TestBackend {
  readonly name: StoreOptions["kind"];
  /** Options for a fresh, empty store; each call gives another one. */
  create(): Promise<TestStoreSpace>;
}

export interface TestStoreSpace {
  readonly options: StoreOptions;
  open(): Promise<Store>;
  /** Drops the schema or deletes the file. */
  remove(): Promise<void>;
}

export const sqliteBackend: TestBackend = {
  name: "sqlite",
  async create() {
    const directory = await mkdtemp(join(tmpdir(), "switchyard-store-"));
    // A directory that does not exist yet: opening must create it.
    const options: StoreOptions = { kind: "sqlite", file: join(directory, "data", "ledger.db") };
    return {
      options,
      open: () => openStore(options),
      remove: () => rm(directory, { recursive: true, force: true }),
    };
  },
};

export const postgresBackend: TestBackend = {
  name: "postgres",
  create() {
    // Test files run in parallel workers against one database: each space is a schema of its own.
    const schema = `test_${process.pid}_${randomBytes(4).toString("hex")}`;
    const options: StoreOptions = { kind: "postgres", url: testPostgresUrl, schema, maxConnections: 4 };
    return Promise.resolve({
      options,
      open: () => openStore(options),
      remove: () => dropSchema(schema),
    });
  },
};

export const testBackends: readonly TestBackend[] = [sqliteBackend, postgresBackend];

async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: testPostgresUrl });
  await client.connect();
  try {
    await client.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await client.end();
  }
}
