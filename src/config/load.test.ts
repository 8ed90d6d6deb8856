import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  ConfigError,
  hashKey,
  loadConfigFile,
  locateConfig,
  parseConfigText,
  resolveConfig,
} from "./load.js";

const valid = `
keys:
  - name: team-a
    key: \${TEAM_A_KEY}
    tenant: team-a
providers:
  azure-eastus:
    kind: azure
    region: eastus
    endpoint: https://example.openai.azure.com
    api_version: 2024-10-21
    api_key: \${AZURE_KEY}
  openai:
    kind: openai
    api_key: \${OPENAI_KEY}
  vllm:
    kind: openai-compatible
    base_url: http://localhost:8000/v1/
models:
  gpt-4o-mini:
    vendor: openai
    capabilities: [chat, tools]
offerings:
  - { model: gpt-4o-mini, provider: azure-eastus, deployment: my-deployment }
  - { model: gpt-4o-mini, provider: openai }
tenants:
  team-a: {}
`;
const env = { TEAM_A_KEY: "sk-team-a-secret", AZURE_KEY: "azure-secret", OPENAI_KEY: "sk-openai" };

function problemsOf(text: string, environment: NodeJS.ProcessEnv = env): readonly string[] {
  try {
    parseConfigText(text, "test.yaml", environment);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("configuration", () => {
  it("resolves a valid file with ${ENV} interpolation, defaults and a frozen result", () => {
    const config = parseConfigText(valid, "test.yaml", env);
    expect(config.server).toEqual({
      host: "127.0.0.1",
      port: 4800,
      bodyLimitBytes: 4 * 1024 * 1024,
      shutdownGraceMs: 10_000,
      metrics: "open",
      logLevel: "info",
      headersTimeoutMs: 30_000,
      requestTimeoutMs: 60_000,
      keepAliveTimeoutMs: 65_000,
      maxConnectionsPerClient: 1024,
    });
    expect(config.keys[0]).toMatchObject({
      name: "team-a",
      tenant: "team-a",
      sha256: hashKey("sk-team-a-secret"),
    });
    expect(JSON.stringify(config.keys)).not.toContain("sk-team-a-secret");
    expect(config.providers.get("azure-eastus")).toMatchObject({
      apiKey: "azure-secret",
      apiVersion: "2024-10-21",
    });
    expect(config.providers.get("openai")?.baseUrl).toBe("https://api.openai.com/v1");
    expect(config.providers.get("vllm")?.baseUrl).toBe("http://localhost:8000/v1");
    expect(config.offerings.map((o) => [o.id, o.nativeModel])).toEqual([
      ["gpt-4o-mini@azure-eastus", "my-deployment"],
      ["gpt-4o-mini@openai", "gpt-4o-mini"],
    ]);
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.server)).toBe(true);
  });

  it("names the path and the reason of every mistake", () => {
    const text = valid
      .replace("https://example.openai.azure.com", "not a url")
      .replace("provider: openai }", "provider: nowhere }");
    expect(problemsOf(text)).toEqual([
      "providers.azure-eastus.endpoint: must be an http(s) URL such as https://example.com",
    ]);
    const unknownProvider = problemsOf(valid.replace("provider: openai }", "provider: nowhere }"));
    expect(unknownProvider).toEqual(['offerings[1].provider: unknown provider "nowhere"']);
  });

  it("reports a missing environment variable at the path that references it", () => {
    expect(problemsOf(valid, { ...env, AZURE_KEY: undefined })).toEqual([
      "providers.azure-eastus.api_key: environment variable AZURE_KEY is not set (write ${AZURE_KEY:-} if it is optional)",
    ]);
    expect(problemsOf(valid, { ...env, AZURE_KEY: "" })).toEqual([
      "providers.azure-eastus.api_key: environment variable AZURE_KEY is empty (write ${AZURE_KEY:-} if it is optional)",
    ]);
  });

  it("rejects unknown keys, a kind's missing fields, and invalid YAML", () => {
    expect(problemsOf(valid.replace("    region: eastus", "    regoin: eastus"))[0]).toMatch(
      /^providers\.azure-eastus: unknown key "regoin" \(did you mean "region"\?\)/,
    );
    const bedrock = problemsOf(valid.replace("kind: openai-compatible", "kind: bedrock"));
    expect(bedrock).toContain("providers.vllm.region: required");
    expect(bedrock).toContainEqual(expect.stringMatching(/^providers\.vllm: unknown key "base_url"/));
    expect(problemsOf("keys: [")[0]).toMatch(/^not valid YAML/);
    expect(
      problemsOf(valid.replace("capabilities: [chat, tools]", "capabilities: [chat, telepathy]"))[0],
    ).toMatch(/^models\.gpt-4o-mini\.capabilities\[1\]: /);
  });

  it("requires exactly one Azure credential and one form of each key", () => {
    expect(problemsOf(valid.replace("    api_key: ${AZURE_KEY}\n", ""))).toEqual([
      "providers.azure-eastus.api_key: set exactly one of api_key or entra_token",
    ]);
    expect(problemsOf(valid.replace("    key: ${TEAM_A_KEY}\n", ""))).toEqual([
      "keys[0].key: set exactly one of key or key_sha256",
    ]);
  });

  it("rejects duplicate offerings and deployments on non-Azure providers", () => {
    const text = valid.replace(
      "  - { model: gpt-4o-mini, provider: openai }",
      "  - { model: gpt-4o-mini, provider: openai, deployment: x }\n  - { model: gpt-4o-mini, provider: openai }",
    );
    expect(problemsOf(text)).toEqual([
      "offerings[1].deployment: only azure providers have deployments; use native_model",
      'offerings[2]: duplicate offering of "gpt-4o-mini" on "openai"',
    ]);
  });

  it("logs every request at info unless log says otherwise; server.log_level still works", () => {
    expect(parseConfigText(valid, "test.yaml", env).log).toEqual({ level: "info", requests: true });
    const quiet = parseConfigText(`${valid}\nlog:\n  level: warn\n  requests: false\n`, "test.yaml", env);
    expect(quiet.log).toEqual({ level: "warn", requests: false });
    expect(quiet.server.logLevel).toBe("warn");
    const older = parseConfigText(`${valid}\nserver:\n  log_level: debug\n`, "test.yaml", env);
    expect(older.log).toEqual({ level: "debug", requests: true });
    expect(problemsOf(`${valid}\nserver:\n  log_level: debug\nlog:\n  level: warn\n`)).toEqual([
      'log.level: "warn" contradicts server.log_level "debug" (set only log.level)',
    ]);
    expect(problemsOf(`${valid}\nlog:\n  requests: "no"\n`)[0]).toMatch(/^log\.requests: /);
    expect(problemsOf(`${valid}\nlog:\n  level: loud\n`)[0]).toMatch(/^log\.level: /);
  });

  it("keeps the ledger on with the writer's bounds unless ledger says otherwise", () => {
    expect(parseConfigText(valid, "test.yaml", env).ledger).toEqual({
      enabled: true,
      batchRows: 100,
      flushIntervalMs: 1_000,
      maxQueuedRows: 10_000,
    });
    const off = parseConfigText(
      `${valid}\nledger:\n  enabled: false\n  batch_rows: 50\n  flush_interval_ms: 20\n  max_queued_rows: 99\n`,
      "test.yaml",
      env,
    );
    expect(off.ledger).toEqual({ enabled: false, batchRows: 50, flushIntervalMs: 20, maxQueuedRows: 99 });
    expect(problemsOf(`${valid}\nledger:\n  batch_rows: 0\n`)[0]).toMatch(/^ledger\.batch_rows: /);
    expect(problemsOf(`${valid}\nledger:\n  enable: false\n`)[0]).toMatch(/^ledger/);
  });

  it("a configuration file that does not exist says so in plain words", () => {
    const missing = join(mkdtempSync(join(tmpdir(), "switchyard-config-")), "nope.yaml");
    expect(() => loadConfigFile(missing, {})).toThrow(
      expect.objectContaining({ problems: ["cannot read the file: no such file"] }),
    );
  });

  it("looks up --config, then SWITCHYARD_CONFIG, then ./switchyard.yaml, then the demo", () => {
    const dir = mkdtempSync(join(tmpdir(), "switchyard-config-"));
    expect(locateConfig({ flag: undefined, env: undefined, cwd: dir })).toEqual({ kind: "demo" });
    writeFileSync(join(dir, "switchyard.yaml"), valid);
    expect(locateConfig({ flag: undefined, env: undefined, cwd: dir })).toEqual({
      kind: "file",
      path: join(dir, "switchyard.yaml"),
    });
    expect(locateConfig({ flag: undefined, env: "other.yaml", cwd: dir })).toEqual({
      kind: "file",
      path: join(dir, "other.yaml"),
    });
    expect(locateConfig({ flag: "/etc/flag.yaml", env: "other.yaml", cwd: dir })).toEqual({
      kind: "file",
      path: "/etc/flag.yaml",
    });
  });
});

/** A small valid document (as parsed YAML) to break one field at a time. */
function document(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    keys: [{ name: "k", key: "sk-0123456789" }],
    providers: { openai: { kind: "openai", api_key: "sk-openai" } },
    models: { "gpt-4o-mini": { vendor: "openai", capabilities: ["chat"] } },
    offerings: [{ model: "gpt-4o-mini", provider: "openai" }],
    ...overrides,
  };
}

function problemsOfDocument(raw: unknown, environment: NodeJS.ProcessEnv = {}): readonly string[] {
  try {
    resolveConfig(raw, "test.yaml", environment);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("issue 9: a key whose tenant names no tenant is accepted silently", () => {
  it("is a start-up error naming the path, with the likely tenant", () => {
    const typo = document({
      keys: [{ name: "k", key: "sk-0123456789", tenant: "platfrom" }],
      tenants: { platform: { policy: { regions: { allow: ["eu"] } } } },
    });
    expect(problemsOfDocument(typo)).toEqual([
      'keys[0].tenant: unknown tenant "platfrom" (did you mean "platform"?)',
    ]);
    const unrelated = document({ keys: [{ name: "k", key: "sk-0123456789", tenant: "search" }] });
    expect(problemsOfDocument(unrelated)).toEqual([
      'keys[0].tenant: unknown tenant "search" (known: default)',
    ]);
  });

  it("accepts the default tenant without a tenants entry, and a configured one", () => {
    expect(resolveConfig(document(), "test.yaml", {}).keys[0]?.tenant).toBe("default");
    const configured = document({
      keys: [{ name: "k", key: "sk-0123456789", tenant: "search" }],
      tenants: { search: {} },
    });
    expect(resolveConfig(configured, "test.yaml", {}).tenants.has("search")).toBe(true);
  });
});

describe("issue 9: an optional secret (${VAR}) is a hard error when unset", () => {
  const bedrock = (sessionToken: string) =>
    document({
      providers: {
        openai: { kind: "openai", api_key: "sk-openai" },
        aws: {
          kind: "bedrock",
          region: "eu-central-1",
          access_key_id: "AKIDEXAMPLE",
          secret_access_key: "secret",
          session_token: sessionToken,
        },
      },
    });
  const sessionTokenOf = (raw: unknown, environment: NodeJS.ProcessEnv) => {
    const provider = resolveConfig(raw, "test.yaml", environment).providers.get("aws");
    return provider?.kind === "bedrock" && provider.credentials.type === "sigv4"
      ? provider.credentials.sessionToken
      : "not sigv4";
  };

  it("${VAR:-} leaves the setting out when the variable is unset or empty, and uses it when set", () => {
    expect(sessionTokenOf(bedrock("${AWS_SESSION_TOKEN:-}"), {})).toBeUndefined();
    expect(sessionTokenOf(bedrock("${AWS_SESSION_TOKEN:-}"), { AWS_SESSION_TOKEN: "" })).toBeUndefined();
    expect(sessionTokenOf(bedrock("${AWS_SESSION_TOKEN:-}"), { AWS_SESSION_TOKEN: "tok" })).toBe("tok");
  });

  it("${VAR:-default} uses the default; $${ is a literal; a malformed reference is reported", () => {
    expect(sessionTokenOf(bedrock("${AWS_SESSION_TOKEN:-fallback}"), {})).toBe("fallback");
    expect(sessionTokenOf(bedrock("pre-${A}-${B:-b}"), { A: "a" })).toBe("pre-a-b");
    expect(sessionTokenOf(bedrock("$${NOT_A_REFERENCE}"), {})).toBe("${NOT_A_REFERENCE}");
    expect(problemsOfDocument(bedrock("${AWS SESSION}"))).toEqual([
      'providers.aws.session_token: "${AWS SESSION}" is not an environment reference; write ${NAME}, ${NAME:-default}, or $${ for a literal "${"',
    ]);
    expect(problemsOfDocument(bedrock("${AWS_SESSION_TOKEN}"))).toEqual([
      "providers.aws.session_token: environment variable AWS_SESSION_TOKEN is not set (write ${AWS_SESSION_TOKEN:-} if it is optional)",
    ]);
  });

  it("a required setting left empty by ${VAR:-} is reported as required", () => {
    const raw = document({ providers: { openai: { kind: "openai", api_key: "${OPENAI_API_KEY:-}" } } });
    expect(problemsOfDocument(raw)).toEqual(["providers.openai.api_key: required"]);
  });
});

describe("issue 9: configuration messages that mislead", () => {
  const provider = (fields: Record<string, unknown>) => document({ providers: { x: fields }, offerings: [] });
  const cases: [string, Record<string, unknown>, string[]][] = [
    [
      "a missing base_url is required, not a bad URL",
      provider({ kind: "openai-compatible" }),
      ["providers.x.base_url: required"],
    ],
    [
      "one bad URL is reported once",
      provider({ kind: "openai-compatible", base_url: "vllm:8000" }),
      ["providers.x.base_url: must be an http(s) URL such as https://example.com"],
    ],
    [
      "a URL of another scheme",
      provider({ kind: "openai-compatible", base_url: "ftp://vllm/v1" }),
      ["providers.x.base_url: must be an http(s) URL such as https://example.com"],
    ],
    [
      "an unknown kind lists the kinds",
      provider({ kind: "azur", endpoint: "https://a.example" }),
      [
        'providers.x.kind: must be one of openai, azure, openai-compatible, bedrock, vertex, gemini, anthropic (got "azur"); did you mean "azure"?',
      ],
    ],
    [
      "a missing kind",
      provider({ api_key: "k" }),
      [
        "providers.x.kind: required: one of openai, azure, openai-compatible, bedrock, vertex, gemini, anthropic",
      ],
    ],
    [
      "a port out of range",
      document({ server: { port: 70000 } }),
      ["server.port: must be an integer from 0 to 65535"],
    ],
    [
      "a port that is not a number",
      document({ server: { port: "http" } }),
      ["server.port: must be an integer from 0 to 65535"],
    ],
    [
      "an unknown log level",
      document({ server: { log_level: "loud" } }),
      ['server.log_level: must be one of fatal, error, warn, info, debug, trace, silent (got "loud")'],
    ],
    [
      "a mistyped key",
      document({ server: { prot: 4800 } }),
      [
        'server: unknown key "prot" (did you mean "port"?); allowed here: host, port, body_limit_bytes, shutdown_grace_ms, metrics, log_level, headers_timeout_ms, request_timeout_ms, keep_alive_timeout_ms, max_connections_per_client',
      ],
    ],
    [
      "an empty secret",
      provider({ kind: "openai", api_key: "" }),
      ["providers.x.api_key: must not be empty"],
    ],
    [
      "a short key",
      document({ keys: [{ name: "k", key: "short" }] }),
      ["keys[0].key: must be at least 8 characters"],
    ],
    ["no keys", document({ keys: [] }), ["keys: must list at least one entry"]],
    [
      "keys as a mapping",
      document({ keys: { k: "sk-0123456789" } }),
      ["keys: must be a list (got a mapping)"],
    ],
    [
      "a number where text belongs",
      document({ models: { m: { vendor: 7, capabilities: ["chat"] } } }),
      ["models.m.vendor: must be text (got a number)"],
    ],
    [
      "an unknown capability",
      document({ models: { m: { vendor: "v", capabilities: ["telepathy"] } } }),
      ['models.m.capabilities[0]: must be one of chat, tools, vision, json, embeddings (got "telepathy")'],
    ],
    [
      "a provider id with capitals",
      document({ providers: { Azure: { kind: "openai", api_key: "k" } } }),
      [`providers.Azure: the name "Azure" is not valid: must be lower-case letters, digits, '.', '_' or '-'`],
    ],
    [
      "a channel that is not a provider id",
      document({ agreements: [{ vendor: "openai", channel: 5, terms: "open" }] }),
      ["agreements[0].channel: must be a provider id or a list of provider ids"],
    ],
    [
      "attempts out of range",
      document({ tenants: { default: { policy: { retries: { attempts_per_offering: 0 } } } } }),
      ["tenants.default.policy.retries.attempts_per_offering: must be an integer from 1 to 10"],
    ],
    [
      "a negative price",
      document({
        offerings: [{ model: "gpt-4o-mini", provider: "openai", price: { input: -1, output: 1 } }],
      }),
      ["offerings[0].price.input: must not be negative"],
    ],
    [
      "an empty document",
      {},
      ["keys: required", "providers: required", "models: required", "offerings: required"],
    ],
  ];
  it.each(cases)("%s", (_name, raw, expected) => {
    expect(problemsOfDocument(raw)).toEqual(expected);
  });

  it("no message leaks a validator's own wording", () => {
    const leaks = /Invalid (discriminator|input|option|key)|Too (big|small)|expected .* to be|received/;
    for (const [, raw] of cases)
      for (const problem of problemsOfDocument(raw)) expect(problem).not.toMatch(leaks);
  });
});
