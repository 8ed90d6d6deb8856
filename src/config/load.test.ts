import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, hashKey, locateConfig, parseConfigText } from "./load.js";

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
    expect(problemsOf(text)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^providers\.azure-eastus\.endpoint: must be a URL/)]),
    );
    const unknownProvider = problemsOf(valid.replace("provider: openai }", "provider: nowhere }"));
    expect(unknownProvider).toEqual(['offerings[1].provider: unknown provider "nowhere"']);
  });

  it("reports a missing environment variable at the path that references it", () => {
    expect(problemsOf(valid, { ...env, AZURE_KEY: undefined })).toEqual([
      "providers.azure-eastus.api_key: environment variable AZURE_KEY is not set",
    ]);
  });

  it("rejects unknown keys, a kind's missing fields, and invalid YAML", () => {
    expect(problemsOf(valid.replace("    region: eastus", "    regoin: eastus"))[0]).toMatch(
      /^providers\.azure-eastus: unknown key\(s\) "regoin"/,
    );
    const bedrock = problemsOf(valid.replace("kind: openai-compatible", "kind: bedrock"));
    expect(bedrock).toContain("providers.vllm.region: is required");
    expect(bedrock).toContain('providers.vllm: unknown key(s) "base_url"');
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
