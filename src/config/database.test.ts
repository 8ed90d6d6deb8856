import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, parseConfigText } from "./load.js";

const base = `
keys:
  - { name: team-a, key: sk-team-a-secret, tenant: team-a }
tenants:
  team-a: {}
providers:
  openai: { kind: openai, api_key: sk-openai }
models:
  gpt-4o-mini: { vendor: openai, capabilities: [chat] }
offerings:
  - { model: gpt-4o-mini, provider: openai }
`;

const withDatabase = (database: string): string => `${base}database: ${database}\n`;

function problemsOf(text: string): readonly string[] {
  try {
    parseConfigText(text, "/etc/switchyard/switchyard.yaml", {});
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("the database configuration", () => {
  it("defaults to ./data/switchyard.db beside the configuration file", () => {
    const config = parseConfigText(base, "/etc/switchyard/switchyard.yaml", {});
    expect(config.database).toEqual({ kind: "sqlite", file: "/etc/switchyard/data/switchyard.db" });
  });

  it("the demo defaults to ./data/demo.db in the working directory", () => {
    const config = parseConfigText(base, "demo", {});
    expect(config.database).toEqual({ kind: "sqlite", file: join(process.cwd(), "data", "demo.db") });
  });

  it("resolves a relative file against the configuration file, keeps an absolute one and :memory:", () => {
    const at = (file: string) =>
      parseConfigText(withDatabase(`{ file: "${file}" }`), "/srv/gw/switchyard.yaml", {}).database;
    expect(at("ledger/main.db")).toEqual({ kind: "sqlite", file: "/srv/gw/ledger/main.db" });
    expect(at("/var/lib/switchyard/ledger.db")).toEqual({
      kind: "sqlite",
      file: "/var/lib/switchyard/ledger.db",
    });
    expect(at(":memory:")).toEqual({ kind: "sqlite", file: ":memory:" });
    expect(at("../shared/ledger.db")).toEqual({ kind: "sqlite", file: "/srv/shared/ledger.db" });
  });

  it("uses PostgreSQL when url is set, with ${ENV} interpolation", () => {
    const config = parseConfigText(withDatabase("{ url: '${DATABASE_URL}' }"), "/etc/s.yaml", {
      DATABASE_URL: "postgres://switchyard:pw@db.internal:5432/ledger",
    });
    expect(config.database).toEqual({
      kind: "postgres",
      url: "postgres://switchyard:pw@db.internal:5432/ledger",
    });
    expect(Object.isFrozen(config.database)).toBe(true);
  });

  it("rejects a url that is not PostgreSQL's, both url and file, and unknown keys, naming the field", () => {
    expect(problemsOf(withDatabase("{ url: 'mysql://db/ledger' }"))).toEqual([
      "database.url: must be a postgres:// or postgresql:// URL",
    ]);
    expect(problemsOf(withDatabase("{ url: 'postgres://db/ledger', file: ledger.db }"))).toEqual([
      "database.file: set url (PostgreSQL) or file (SQLite), not both",
    ]);
    expect(problemsOf(withDatabase("{ host: db }"))).toEqual([
      'database: unknown key "host"; allowed here: url, file',
    ]);
    expect(problemsOf(withDatabase("{ file: '' }"))).toHaveLength(1);
  });
});
