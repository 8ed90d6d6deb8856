import { createHash } from "node:crypto";
import { dirname } from "node:path";
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parse as parseYaml, YAMLParseError } from "yaml";
import type { z } from "zod";
import { configSchema, type ConfigFile, type ProviderFile } from "./schema.js";
import type {
  Capability,
  GatewayConfig,
  KeyConfig,
  ModelConfig,
  OfferingConfig,
  ProviderConfig,
  ProviderKind,
} from "./types.js";
import type { Dialect } from "../core/chat-request.js";
import type { EmbeddingsDialect } from "../core/embeddings.js";

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
  if (issue.code === "invalid_type" && issue.message.endsWith("received undefined")) reason = "is required";
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
    const resolved = buildProvider(id, provider, source, problems);
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
    const nativeModel = offering.deployment ?? offering.native_model ?? offering.model;
    const model = models.get(offering.model);
    const kind = provider?.kind ?? "openai";
    const embeddingsDialect = model?.capabilities.has("embeddings")
      ? embeddingsDialectFor(kind, nativeModel)
      : undefined;
    if (model?.capabilities.has("embeddings") === true && embeddingsDialect === undefined)
      problems.push(`${at}: ${kind} providers do not offer embeddings for "${nativeModel}"`);
    offerings.push({
      id,
      model: offering.model,
      provider: offering.provider,
      nativeModel,
      dialect: chatDialectFor(kind, model?.vendor),
      embeddingsDialect,
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

function buildProvider(
  id: string,
  provider: ProviderFile,
  source: string,
  problems: string[],
): ProviderConfig | undefined {
  const common = {
    id,
    labels: provider.labels ?? {},
    headers: provider.headers ?? {},
    unsupportedParameters: new Set(provider.unsupported_parameters ?? []),
    maxConnections: provider.max_connections ?? 128,
  };
  switch (provider.kind) {
    case "openai":
    case "openai-compatible":
      return {
        ...common,
        kind: provider.kind,
        region: provider.region,
        baseUrl: trimSlash(provider.base_url ?? "https://api.openai.com/v1"),
        apiKey: provider.api_key,
        organization: provider.kind === "openai" ? provider.organization : undefined,
        project: provider.kind === "openai" ? provider.project : undefined,
      };
    case "azure":
      return {
        ...common,
        kind: "azure",
        region: provider.region,
        baseUrl: trimSlash(provider.endpoint),
        apiKey: provider.api_key,
        entraToken: provider.entra_token,
        apiVersion: provider.api_version,
      };
    case "bedrock":
      return {
        ...common,
        kind: "bedrock",
        region: provider.region,
        baseUrl: trimSlash(provider.endpoint ?? `https://bedrock-runtime.${provider.region}.amazonaws.com`),
        credentials:
          provider.api_key !== undefined
            ? { type: "api-key", apiKey: provider.api_key }
            : {
                type: "sigv4",
                accessKeyId: provider.access_key_id ?? "",
                secretAccessKey: provider.secret_access_key ?? "",
                sessionToken: provider.session_token,
              },
      };
    case "vertex": {
      const keyJson = vertexKeyJson(id, provider, source, problems);
      return {
        ...common,
        kind: "vertex",
        region: provider.region,
        project: provider.project,
        location: provider.region,
        baseUrl: trimSlash(
          provider.endpoint ??
            (provider.region === "global"
              ? "https://aiplatform.googleapis.com"
              : `https://${provider.region}-aiplatform.googleapis.com`),
        ),
        credentials:
          keyJson !== undefined
            ? { type: "service-account", keyJson }
            : { type: "access-token", accessToken: provider.access_token ?? "" },
      };
    }
    case "gemini":
      return {
        ...common,
        kind: "gemini",
        region: provider.region,
        baseUrl: trimSlash(provider.base_url ?? "https://generativelanguage.googleapis.com"),
        apiKey: provider.api_key,
        apiVersion: provider.api_version ?? "v1beta",
      };
    case "anthropic":
      return {
        ...common,
        kind: "anthropic",
        region: provider.region,
        baseUrl: trimSlash(provider.base_url ?? "https://api.anthropic.com"),
        apiKey: provider.api_key,
        anthropicVersion: provider.anthropic_version ?? "2023-06-01",
      };
  }
}

/** A Vertex service-account key: read from its file (relative to the config file) or given inline. */
function vertexKeyJson(
  id: string,
  provider: Extract<ProviderFile, { kind: "vertex" }>,
  source: string,
  problems: string[],
): string | undefined {
  let text = provider.service_account_key;
  const path = `providers.${id}`;
  if (provider.service_account_key_file !== undefined) {
    const file = resolve(
      source === "demo" ? process.cwd() : dirname(source),
      provider.service_account_key_file,
    );
    try {
      text = readFileSync(file, "utf8");
    } catch (error) {
      problems.push(`${path}.service_account_key_file: cannot read ${file}: ${(error as Error).message}`);
      return undefined;
    }
  }
  if (text === undefined) return undefined;
  try {
    const key = JSON.parse(text) as Record<string, unknown>;
    if (typeof key["client_email"] !== "string" || typeof key["private_key"] !== "string")
      problems.push(`${path}: the service-account key needs client_email and private_key`);
  } catch {
    problems.push(`${path}: the service-account key is not JSON`);
  }
  return text;
}

/**
 * The chat dialect of an offering. Most clouds speak one; Vertex speaks the model vendor's own
 * (Gemini for Google, Messages for Anthropic) and OpenAI's for the open models it hosts.
 */
export function chatDialectFor(kind: ProviderKind, vendor: string | undefined): Dialect {
  switch (kind) {
    case "openai":
    case "openai-compatible":
    case "azure":
      return "openai-chat";
    case "bedrock":
      return "bedrock-converse";
    case "gemini":
      return "gemini";
    case "anthropic":
      return "anthropic-messages";
    case "vertex":
      if (vendor === "google") return "gemini";
      if (vendor === "anthropic") return "anthropic-messages";
      return "openai-chat";
  }
}

/** The embeddings format of an offering; Bedrock's follows the model family in the native id. */
export function embeddingsDialectFor(kind: ProviderKind, nativeModel: string): EmbeddingsDialect | undefined {
  switch (kind) {
    case "openai":
    case "openai-compatible":
    case "azure":
      return "openai-embeddings";
    case "bedrock":
      if (/(^|\.)amazon\.titan-embed/.test(nativeModel)) return "bedrock-titan-embed";
      if (/(^|\.)cohere\.embed/.test(nativeModel)) return "bedrock-cohere-embed";
      return undefined;
    case "gemini":
      return "gemini-embed";
    case "vertex":
      return "vertex-embed";
    case "anthropic":
      return undefined;
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
