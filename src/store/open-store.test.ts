import { writeFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { ledgerRow } from "../../test/support/ledger-rows.js";
import {
  postgresBackend,
  sqliteBackend,
  testPostgresUrl,
  type TestStoreSpace,
} from "../../test/support/store-backends.js";
import { closedPort } from "../../test/support/tcp-proxy.js";
import { openStore } from "./open-store.js";
import { StoreUnavailableError } from "./store-unavailable-error.js";
import { describePostgresTarget } from "./postgres/open-postgres.js";

const spaces: TestStoreSpace[] = [];
afterEach(async () => {
  for (const space of spaces.splice(0)) await space.remove();
});

async function openFailure(promise: Promise<unknown>): Promise<StoreUnavailableError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(StoreUnavailableError);
  return error as StoreUnavailableError;
}

describe("the SQLite store", () => {
  it("creates its directory and file, in WAL mode, and migrates once however often it is opened", async () => {
    const space = await sqliteBackend.create();
    spaces.push(space);
    const first = await space.open();
    await first.close();
    const second = await space.open();
    await second.ledger.insert([ledgerRow()]);
    await second.close();

    if (space.options.kind !== "sqlite") throw new Error("expected SQLite");
    const raw = new BetterSqlite3(space.options.file, { readonly: true });
    try {
      expect(raw.pragma("journal_mode", { simple: true })).toBe("wal");
      expect(raw.prepare("select name from switchyard_migrations order by name").all()).toEqual([
        { name: "0001_ledger" },
        { name: "0002_stored_responses" },
        { name: "0003_directory" },
        { name: "0004_ledger_capabilities" },
      ]);
      expect(raw.prepare("select count(*) as n from ledger_entries").get()).toEqual({ n: 1 });
    } finally {
      raw.close();
    }
  });

  // Regression: two processes opening a new file at once both created the tables, and one failed with
  // `table "ledger_entries" already exists`.
  it("opens a new file from several connections at once: one migrates, the others wait and find the tables", async () => {
    const space = await sqliteBackend.create();
    spaces.push(space);
    const stores = await Promise.all([space.open(), space.open(), space.open()]);
    try {
      await stores[0]?.ledger.insert([ledgerRow()]);
      for (const store of stores) expect(await store.ledger.count()).toBe(1);
    } finally {
      for (const store of stores) await store.close();
    }
  });

  it("fails to open with a StoreUnavailableError naming the file", async () => {
    const directory = await mkdtemp(join(tmpdir(), "switchyard-store-"));
    try {
      // The data directory's place is taken by a file: it can be neither created nor opened.
      await writeFile(join(directory, "data"), "not a directory");
      const file = join(directory, "data", "ledger.db");
      const error = await openFailure(openStore({ kind: "sqlite", file }));
      expect(error.backend).toBe("sqlite");
      expect(error.message).toContain(file);
      expect(error.message.split("\n")).toHaveLength(1);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});

describe("the PostgreSQL store", () => {
  it("an unreachable database.url is a one-line StoreUnavailableError naming host:port, without the password", async () => {
    const port = await closedPort();
    const url = `postgres://switchyard:s3cret-password@127.0.0.1:${port}/ledger`;
    const error = await openFailure(openStore({ kind: "postgres", url, connectTimeoutMs: 2_000 }));
    expect(error.backend).toBe("postgres");
    expect(error.target).toBe(`127.0.0.1:${port}/ledger`);
    expect(error.message).toContain(`127.0.0.1:${port}`);
    expect(error.message).toContain("ECONNREFUSED");
    expect(error.message).not.toContain("s3cret-password");
    expect(error.message.split("\n")).toHaveLength(1);
  });

  it("a database that does not exist is a StoreUnavailableError saying so", async () => {
    const url = new URL(testPostgresUrl);
    url.pathname = "/switchyard_no_such_database";
    const error = await openFailure(openStore({ kind: "postgres", url: url.href }));
    expect(error.message).toContain("switchyard_no_such_database");
    expect(error.message).toContain("does not exist");
  });

  it("opens a new schema from several pools at once", async () => {
    const space = await postgresBackend.create();
    spaces.push(space);
    const stores = await Promise.all([space.open(), space.open(), space.open()]);
    try {
      await stores[0]?.ledger.insert([ledgerRow()]);
      for (const store of stores) expect(await store.ledger.count()).toBe(1);
    } finally {
      for (const store of stores) await store.close();
    }
  });

  it("keeps its tables and its migration bookkeeping in its own schema", async () => {
    const one = await postgresBackend.create();
    const two = await postgresBackend.create();
    spaces.push(one, two);
    const storeOne = await one.open();
    const storeTwo = await two.open();
    try {
      await storeOne.ledger.insert([ledgerRow({ requestId: "only-in-one" })]);
      expect(await storeOne.ledger.count()).toBe(1);
      expect(await storeTwo.ledger.count()).toBe(0);
      if (one.options.kind !== "postgres") throw new Error("expected PostgreSQL");
      const client = new pg.Client({ connectionString: testPostgresUrl });
      await client.connect();
      try {
        const result = await client.query<{ name: string }>(
          `select name from "${one.options.schema}".switchyard_migrations order by name`,
        );
        expect(result.rows).toEqual([
          { name: "0001_ledger" },
          { name: "0002_stored_responses" },
          { name: "0003_directory" },
          { name: "0004_ledger_capabilities" },
        ]);
      } finally {
        await client.end();
      }
    } finally {
      await storeOne.close();
      await storeTwo.close();
    }
  });

  it("survives the server closing its idle connections, and writes on a new one", async () => {
    const space = await postgresBackend.create();
    spaces.push(space);
    // Its own application name, so that only this store's connections are cut, not another test file's.
    const tag = `switchyard_cut_${process.pid}_${Date.now()}`;
    const url = new URL(testPostgresUrl);
    url.searchParams.set("application_name", tag);
    const store = await openStore({ ...space.options, url: url.href } as typeof space.options);
    try {
      await store.ledger.insert([ledgerRow({ requestId: "before-restart" })]);
      const admin = new pg.Client({ connectionString: testPostgresUrl });
      await admin.connect();
      try {
        const killed = await admin.query(
          "select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1",
          [tag],
        );
        expect(killed.rowCount).toBeGreaterThan(0);
      } finally {
        await admin.end();
      }
      // Without an 'error' listener on the pool, the terminated idle client would have ended the process.
      await new Promise((resolve) => setTimeout(resolve, 100));
      await store.ledger.insert([ledgerRow({ requestId: "after-restart" })]);
      expect(await store.ledger.count()).toBe(2);
    } finally {
      await store.close();
    }
  });

  it("refuses a schema name it would have to quote", async () => {
    const error = await openFailure(
      openStore({ kind: "postgres", url: testPostgresUrl, schema: 'x"; drop' }),
    );
    expect(error.message).toContain("invalid schema name");
  });

  it("names host, port and database from the URL, never the password", () => {
    expect(describePostgresTarget("postgres://u:pw@db.internal:6543/ledger")).toBe("db.internal:6543/ledger");
    expect(describePostgresTarget("postgresql://u:pw@db.internal/ledger")).toBe("db.internal:5432/ledger");
    expect(describePostgresTarget("postgres://alice@10.0.0.5")).toBe("10.0.0.5:5432/alice");
    expect(describePostgresTarget("postgres:///ledger?host=/run/postgresql")).toBe(
      "/run/postgresql:5432/ledger",
    );
  });
});
