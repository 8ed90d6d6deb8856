import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { demoConfigDocument, placeholderUpstreams } from "../../src/config/demo.js";
import { parseConfigText, resolveConfig } from "../../src/config/load.js";

/**
 * Every ```yaml block of the README and docs/ is a configuration example, and each must load (issue 9:
 * the README's example was rejected). How a block is checked:
 *
 * - a block with `keys` is a whole configuration file, loaded as it is;
 * - a block of top-level sections without `keys` (providers, models, offerings…) is part of a file: it
 *   is loaded with one key added, and must name only what it defines itself;
 * - `<!-- config-example: providers entries -->` before a block: the block is the content of `providers`;
 * - `<!-- config-example: onto the demo -->` before a block: its sections are laid over the demo
 *   configuration (maps merged, lists replaced), because it names the demo's providers and models;
 * - `<!-- config-example: another program's -->` before a block: not Switchyard's (a Prometheus scrape
 *   configuration, say); it must only be valid YAML.
 *
 * Environment variables a block references are set to dummy values (a service-account JSON where a
 * service-account key is expected), and files it names are created; then the block is loaded again
 * with the variables it marks optional (`${NAME:-…}`) unset.
 */
const root = fileURLToPath(new URL("../../", import.meta.url));

interface Example {
  readonly where: string;
  readonly text: string;
  readonly marker: string | undefined;
}

function markdownPages(): string[] {
  const docs = (directory: string): string[] =>
    readdirSync(join(root, directory), { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory()
        ? docs(join(directory, entry.name))
        : entry.name.endsWith(".md")
          ? [join(directory, entry.name)]
          : [],
    );
  return ["README.md", ...docs("docs")];
}

function examples(): Example[] {
  const found: Example[] = [];
  for (const page of markdownPages()) {
    const text = readFileSync(join(root, page), "utf8");
    for (const match of text.matchAll(
      /(?:<!--\s*config-example:\s*(.*?)\s*-->\s*\n)?```yaml\n([\s\S]*?)```/g,
    )) {
      const line = text.slice(0, match.index).split("\n").length + (match[1] === undefined ? 0 : 1);
      found.push({ where: `${page}:${line}`, text: match[2] ?? "", marker: match[1] });
    }
  }
  return found;
}

const serviceAccountKey = JSON.stringify({
  type: "service_account",
  client_email: "docs-example@example-project.iam.gserviceaccount.com",
  private_key: "-----BEGIN PRIVATE KEY-----\nnot-a-real-key\n-----END PRIVATE KEY-----\n",
  token_uri: "https://oauth2.googleapis.com/token",
});

/** `${NAME}` and `${NAME:-…}` references: whether each is optional (has a default). */
function references(text: string): Map<string, boolean> {
  const found = new Map<string, boolean>();
  for (const match of text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)(:-[^}]*)?\}/g)) {
    const name = match[1] ?? "";
    found.set(name, (found.get(name) ?? true) && match[2] !== undefined);
  }
  return found;
}

function environment(text: string, withOptional: boolean): NodeJS.ProcessEnv {
  const serviceAccountVariables = new Set(
    [...text.matchAll(/service_account_key:\s*\$\{([A-Za-z_][A-Za-z0-9_]*)/g)].map((match) => match[1]),
  );
  const env: NodeJS.ProcessEnv = {};
  for (const [name, optional] of references(text)) {
    if (optional && !withOptional) continue;
    env[name] = serviceAccountVariables.has(name)
      ? serviceAccountKey
      : name.endsWith("DATABASE_URL")
        ? "postgres://switchyard@db.example:5432/switchyard"
        : `dummy-${name.toLowerCase()}-value`;
  }
  return env;
}

/** A directory holding the files the example names (service-account key files), as its configuration's home. */
function home(text: string): string {
  const directory = mkdtempSync(join(tmpdir(), "switchyard-docs-"));
  for (const match of text.matchAll(/service_account_key_file:\s*(\S+)/g)) {
    const file = join(directory, match[1] ?? "");
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, serviceAccountKey);
  }
  return directory;
}

type Document = Record<string, unknown>;

function layered(base: Document, sections: Document): Document {
  const out: Document = { ...base };
  for (const [section, value] of Object.entries(sections)) {
    const under = out[section];
    out[section] = isMap(under) && isMap(value) ? { ...under, ...value } : value;
  }
  return out;
}

function isMap(value: unknown): value is Document {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

const oneKey = { keys: [{ name: "docs-example", key: "sk-docs-example-key" }] };
const emptyFile = { ...oneKey, providers: {}, models: {}, offerings: [] };

function load(example: Example, env: NodeJS.ProcessEnv): void {
  const source = join(home(example.text), "switchyard.yaml");
  const parsed = parseYaml(example.text) as unknown;
  if (!isMap(parsed)) throw new Error(`${example.where}: not a YAML mapping`);
  switch (example.marker) {
    case undefined:
      if ("keys" in parsed) parseConfigText(example.text, source, env);
      else resolveConfig(layered(emptyFile, parsed), source, env);
      return;
    case "providers entries":
      resolveConfig(layered(emptyFile, { providers: parsed }), source, env);
      return;
    case "onto the demo":
      resolveConfig(
        layered(demoConfigDocument(placeholderUpstreams(), "sy-demo-docs-example", 4800) as Document, parsed),
        source,
        env,
      );
      return;
    case "another program's":
      return;
    default:
      throw new Error(`${example.where}: unknown config-example marker "${example.marker}"`);
  }
}

describe("the repository's own configuration files load", () => {
  it.each([
    "bench/switchyard.bench.yaml",
    "bench/switchyard-off.bench.yaml",
    "bench/switchyard-limits.bench.yaml",
    "bench/switchyard-redis.bench.yaml",
  ])("%s (as bench/run.mjs starts it)", (file) => {
    const path = join(root, file);
    const text = readFileSync(path, "utf8");
    const env = { BENCH_UPSTREAM: "http://127.0.0.1:9", BENCH_DB: join(tmpdir(), "bench-ledger.db") };
    expect(() => parseConfigText(text, path, env)).not.toThrow();
  });
});

describe("issue 9: every configuration example in the README and docs loads", () => {
  const all = examples();

  it("finds the examples (README, the configuration reference, the provider pages)", () => {
    const pages = new Set(all.map((example) => example.where.split(":")[0]));
    expect(pages).toEqual(
      new Set([
        "README.md",
        "docs/configuration.md",
        "docs/governance.md",
        "docs/observability.md",
        "docs/providers/anthropic.md",
        "docs/providers/bedrock.md",
        "docs/providers/google.md",
        "docs/responses-ingress.md",
        "docs/storage.md",
      ]),
    );
  });

  it.each(all.map((example) => [example.where, example] as const))("%s", (_where, example) => {
    expect(() => load(example, environment(example.text, true))).not.toThrow();
    expect(() => load(example, environment(example.text, false))).not.toThrow();
  });
});
