import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parse as parseYaml, YAMLParseError } from "yaml";
import type { z } from "zod";
import { configSchema, supportedProviderKinds, type ConfigFile, type ProviderFile } from "./schema.js";
import type {
  Capability,
  GatewayConfig,
  KeyConfig,
  ModelConfig,
  OfferingConfig,
  ProviderConfig,
} from "./types.js";

/** A configuration that cannot be used; `problems` are `path: reason` lines. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(`invalid configuration (${source}):\n  ${problems.join("\n  ")}`);
  }
}

export type ConfigLocation = { readonly kind: "file"; readonly path: string } | { readonly kind: "demo" };

/**
 * The one lookup every command uses: `--config FILE`, then `SWITCHYARD_CONFIG`, then `switchyard.yaml`
 * in the working directory, and otherwise the built-in demo configuration.
 */
export function locateConfig(options: {
  readonly flag: string | undefined;
  readonly env: string | undefined;
  readonly cwd: string;
}): ConfigLocation {
  const explicit = options.flag ?? options.env;
  if (explicit !== undefined && explicit !== "")
    return { kind: "file", path: resolve(options.cwd, explicit) };
  const local = resolve(options.cwd, "switchyard.yaml");
  return existsSync(local) ? { kind: "file", path: local } : { kind: "demo" };
}

export function loadConfigFile(path: string, env: NodeJS.ProcessEnv): GatewayConfig {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigError(path, [`cannot read the file: ${(error as Error).message}`]);
  }
  return parseConfigText(text, path, env);
}

export function parseConfigText(text: string, source: string, env: NodeJS.ProcessEnv): GatewayConfig {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    const where = error instanceof YAMLParseError ? ` (line ${error.linePos?.[0].line ?? "?"})` : "";
    throw new ConfigError(source, [`not valid YAML${where}: ${(error as Error).message.split("\n")[0]}`]);
  }
  return resolveConfig(raw, source, env);
}

/** Validates a parsed document (after `${ENV}` interpolation) and resolves it into a frozen GatewayConfig. */
export function resolveConfig(raw: unknown, source: string, env: NodeJS.ProcessEnv): GatewayConfig {
  const problems: string[] = [];
  const interpolated = interpolate(raw, [], env, problems);
  if (problems.length > 0) throw new ConfigError(source, problems);
  const parsed = configSchema.safeParse(interpolated ?? {});
  if (!parsed.success) throw new ConfigError(source, parsed.error.issues.map(formatIssue));
  const config = build(parsed.data, source, problems);
  if (problems.length > 0) throw new ConfigError(source, problems);
  return deepFreeze(config);
}

const envReference = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

function interpolate(
  value: unknown,
  path: readonly (string | number)[],
  env: NodeJS.ProcessEnv,
  problems: string[],
): unknown {
  if (typeof value === "string") {
    return value.replace(envReference, (_match, name: string) => {
      const found = env[name];
      if (found === undefined) {
        problems.push(`${formatPath(path)}: environment variable ${name} is not set`);
        return "";
      }
      return found;
    });
  }
  if (Array.isArray(value))
    return value.map((item, index) => interpolate(item, [...path, index], env, problems));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, interpolate(item, [...path, key], env, problems)]),
    );
  }
  return value;
}

function formatIssue(issue: z.core.$ZodIssue): string {
  const path = formatPath(issue.path);
  let reason = issue.message;
  if (issue.code === "unrecognized_keys")
    reason = `unknown key(s) ${issue.keys.map((k) => `"${k}"`).join(", ")}`;
  if (issue.code === "invalid_union" && issue.path.length > 0 && issue.path[0] === "providers")
    reason = `not a valid provider: ${reason}`;
  return `${path === "" ? "(root)" : path}: ${reason}`;
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else out += out === "" ? String(segment) : `.${String(segment)}`;
  }
  return out;
}

function build(file: ConfigFile, source: string, problems: string[]): GatewayConfig {
  const providers = new Map<string, ProviderConfig>();
  for (const [id, provider] of Object.entries(file.providers)) {
    const resolved = buildProvider(id, provider, problems);
    if (resolved !== undefined) providers.set(id, resolved);
  }

  const models = new Map<string, ModelConfig>();
  for (const [id, model] of Object.entries(file.models)) {
    models.set(id, {
      id,
      vendor: model.vendor,
      releaseDate: model.release_date,
      capabilities: new Set<Capability>(model.capabilities),
      contextWindow: model.context_window,
    });
  }

  const offerings: OfferingConfig[] = [];
  const seen = new Set<string>();
  file.offerings.forEach((offering, index) => {
    const at = `offerings[${index}]`;
    if (!models.has(offering.model)) problems.push(`${at}.model: unknown model "${offering.model}"`);
    const provider = file.providers[offering.provider];
    if (provider === undefined) problems.push(`${at}.provider: unknown provider "${offering.provider}"`);
    if (offering.deployment !== undefined && provider !== undefined && provider.kind !== "azure")
      problems.push(`${at}.deployment: only azure providers have deployments; use native_model`);
    if (offering.deployment !== undefined && offering.native_model !== undefined)
      problems.push(`${at}.deployment: set native_model or deployment, not both`);
    const id = `${offering.model}@${offering.provider}`;
    if (seen.has(id))
      problems.push(`${at}: duplicate offering of "${offering.model}" on "${offering.provider}"`);
    seen.add(id);
    offerings.push({
      id,
      model: offering.model,
      provider: offering.provider,
      nativeModel: offering.deployment ?? offering.native_model ?? offering.model,
      dialect: "openai-chat", // every kind built today speaks OpenAI's dialect
    });
  });

  const keys: KeyConfig[] = [];
  const hashes = new Set<string>();
  file.keys.forEach((key, index) => {
    const sha256 = key.key_sha256 ?? hashKey(key.key ?? "");
    if (hashes.has(sha256)) problems.push(`keys[${index}].key: the same key is configured twice`);
    hashes.add(sha256);
    key.models?.forEach((model, modelIndex) => {
      if (!models.has(model)) problems.push(`keys[${index}].models[${modelIndex}]: unknown model "${model}"`);
    });
    keys.push({
      name: key.name,
      sha256,
      tenant: key.tenant,
      models: key.models === undefined ? undefined : new Set(key.models),
    });
  });

  return {
    source,
    server: {
      host: file.server.host,
      port: file.server.port,
      bodyLimitBytes: file.server.body_limit_bytes,
      shutdownGraceMs: file.server.shutdown_grace_ms,
      logLevel: file.server.log_level,
    },
    upstream: {
      connectTimeoutMs: file.upstream.connect_timeout_ms,
      firstByteTimeoutMs: file.upstream.first_byte_timeout_ms,
      idleTimeoutMs: file.upstream.idle_timeout_ms,
    },
    keys,
    providers,
    models,
    offerings,
  };
}

function buildProvider(id: string, provider: ProviderFile, problems: string[]): ProviderConfig | undefined {
  if (!supportedProviderKinds.has(provider.kind)) {
    problems.push(
      `providers.${id}.kind: "${provider.kind}" is not supported yet (openai, azure, openai-compatible are)`,
    );
    return undefined;
  }
  if (provider.kind !== "openai" && provider.kind !== "azure" && provider.kind !== "openai-compatible")
    return undefined;
  const common = {
    id,
    region: provider.region,
    labels: provider.labels ?? {},
    headers: provider.headers ?? {},
    unsupportedParameters: new Set(provider.unsupported_parameters ?? []),
    maxConnections: provider.max_connections ?? 128,
  };
  switch (provider.kind) {
    case "openai":
      return {
        ...common,
        kind: "openai",
        baseUrl: trimSlash(provider.base_url ?? "https://api.openai.com/v1"),
        apiKey: provider.api_key,
        entraToken: undefined,
        apiVersion: undefined,
        organization: provider.organization,
        project: provider.project,
      };
    case "azure":
      return {
        ...common,
        kind: "azure",
        baseUrl: trimSlash(provider.endpoint),
        apiKey: provider.api_key,
        entraToken: provider.entra_token,
        apiVersion: provider.api_version,
        organization: undefined,
        project: undefined,
      };
    case "openai-compatible":
      return {
        ...common,
        kind: "openai-compatible",
        baseUrl: trimSlash(provider.base_url),
        apiKey: provider.api_key,
        entraToken: undefined,
        apiVersion: undefined,
        organization: undefined,
        project: undefined,
      };
  }
}

export function hashKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

function trimSlash(url: string): string {
  return url.endsWith("/") ? url.slice(0, -1) : url;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    if (value instanceof Map) for (const item of value.values()) deepFreeze(item);
    else if (!(value instanceof Set)) for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}
