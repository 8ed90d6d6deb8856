import { createHash } from "node:crypto";
import { dirname } from "node:path";
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parse as parseYaml, YAMLParseError } from "yaml";
import type { z } from "zod";
import { geographyOf } from "../catalog/regions.js";
import { parseDuration, parseInstant } from "../catalog/time.js";
import { suggestion } from "./did-you-mean.js";
import { formatConfigPath, interpolateEnv } from "./interpolate.js";
import { configErrorMap, configIssueText } from "./issue-message.js";
import { resolvePrices } from "./resolve-prices.js";
import { configSchema, tenantSchema, type ConfigFile, type ProviderFile, type TenantFile } from "./schema.js";
import type {
  AgreementConfig,
  Capability,
  DatabaseConfig,
  Duration,
  TenantConfig,
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
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === "ENOENT"
        ? "no such file"
        : code === "EACCES"
          ? "not permitted to read it"
          : code === "EISDIR"
            ? "a directory, not a file"
            : (error as Error).message;
    throw new ConfigError(path, [`cannot read the file: ${reason}`]);
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
  const interpolated = interpolateEnv(raw, env, problems);
  if (problems.length > 0) throw new ConfigError(source, problems);
  const parsed = configSchema.safeParse(interpolated ?? {}, { error: configErrorMap, reportInput: true });
  if (!parsed.success) throw new ConfigError(source, parsed.error.issues.map(formatIssue));
  const config = build(parsed.data, source, problems);
  if (problems.length > 0) throw new ConfigError(source, problems);
  return deepFreeze(config);
}

function formatIssue(issue: z.core.$ZodIssue): string {
  const path = formatConfigPath(issue.path);
  return `${path === "" ? "(root)" : path}: ${configIssueText(issue)}`;
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
      releasedAt: model.release_date === undefined ? undefined : parseInstant(model.release_date),
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
    const responses = offering.api === "responses";
    if (responses && provider !== undefined && kind !== "openai" && kind !== "azure")
      problems.push(
        `${at}.api: the Responses API is offered by openai and azure providers only, not ${kind}`,
      );
    if (responses && model?.capabilities.has("embeddings") === true)
      problems.push(`${at}.api: "responses" is for chat models; "${offering.model}" is an embedding model`);
    const invoke = offering.api === "invoke";
    if ((invoke || offering.api === "converse") && provider !== undefined && kind !== "bedrock")
      problems.push(`${at}.api: "${offering.api}" is a Bedrock API; ${kind} providers do not offer it`);
    if (invoke && model !== undefined && model.vendor !== "anthropic")
      problems.push(
        `${at}.api: "invoke" sends Anthropic's Messages body and serves Anthropic models only, not ${model.vendor}'s "${offering.model}"; use api: converse`,
      );
    if (invoke && model?.capabilities.has("embeddings") === true)
      problems.push(`${at}.api: "invoke" is for chat models; "${offering.model}" is an embedding model`);
    const availableFrom = instantAt(offering.available_from, `${at}.available_from`, problems);
    const availableUntil = instantAt(offering.available_until, `${at}.available_until`, problems);
    if (availableFrom !== undefined && availableUntil !== undefined && availableUntil <= availableFrom)
      problems.push(`${at}.available_until: must be after available_from`);
    const region = provider?.region;
    offerings.push({
      id,
      model: offering.model,
      provider: offering.provider,
      nativeModel,
      dialect: responses
        ? "openai-responses"
        : invoke
          ? "bedrock-anthropic"
          : chatDialectFor(kind, model?.vendor),
      ...(model === undefined ? {} : { vendor: model.vendor }),
      embeddingsDialect,
      region,
      geo: provider?.labels?.["geo"] ?? (region === undefined ? undefined : geographyOf(region)),
      position: index,
      prices: resolvePrices(offering, at, problems),
      availableFrom,
      availableUntil,
      capabilities: new Set<Capability>(offering.capabilities ?? model?.capabilities ?? []),
      contextWindow: offering.limits?.context_window ?? model?.contextWindow,
      maxOutputTokens: offering.limits?.max_output_tokens,
    });
  });

  const agreements = buildAgreements(file, models, problems);
  const tenants = buildTenants(file, models, problems);

  const keys: KeyConfig[] = [];
  const hashes = new Set<string>();
  file.keys.forEach((key, index) => {
    const sha256 = key.key_sha256 ?? hashKey(key.key ?? "");
    if (hashes.has(sha256)) problems.push(`keys[${index}].key: the same key is configured twice`);
    hashes.add(sha256);
    key.models?.forEach((model, modelIndex) => {
      if (!models.has(model)) problems.push(`keys[${index}].models[${modelIndex}]: unknown model "${model}"`);
    });
    // A typo here would route the key by the default policy and erase its tenant's boundary unseen.
    if (!tenants.has(key.tenant))
      problems.push(
        `keys[${index}].tenant: unknown tenant "${key.tenant}"${suggestion(key.tenant, [...tenants.keys()])}`,
      );
    key.providers?.forEach((provider, providerIndex) => {
      if (file.providers[provider] === undefined)
        problems.push(`keys[${index}].providers[${providerIndex}]: unknown provider "${provider}"`);
    });
    keys.push({
      id: key.name,
      name: key.name,
      sha256,
      prefix: key.key === undefined ? undefined : visiblePrefix(key.key),
      tenant: key.tenant,
      models: key.models === undefined ? undefined : new Set(key.models),
      providers: key.providers === undefined ? undefined : new Set(key.providers),
      regions: key.regions,
      admin: key.admin,
      expiresAt: key.expires === undefined ? undefined : Date.parse(key.expires),
      revokedAt: undefined,
      labels: key.labels,
      limits: { rpm: key.limits.rpm, tpm: key.limits.tpm },
      budgets: key.budgets,
      source: "file",
    });
  });

  const logLevel = file.log.level ?? file.server.log_level ?? "info";
  if (
    file.log.level !== undefined &&
    file.server.log_level !== undefined &&
    file.log.level !== file.server.log_level
  )
    problems.push(
      `log.level: "${file.log.level}" contradicts server.log_level "${file.server.log_level}" (set only log.level)`,
    );

  return {
    source,
    server: {
      host: file.server.host,
      port: file.server.port,
      bodyLimitBytes: file.server.body_limit_bytes,
      shutdownGraceMs: file.server.shutdown_grace_ms,
      metrics: file.server.metrics,
      logLevel,
      headersTimeoutMs: file.server.headers_timeout_ms,
      requestTimeoutMs: file.server.request_timeout_ms,
      keepAliveTimeoutMs: file.server.keep_alive_timeout_ms,
      maxConnectionsPerClient: file.server.max_connections_per_client,
    },
    log: { level: logLevel, requests: file.log.requests },
    ledger: {
      enabled: file.ledger.enabled,
      batchRows: file.ledger.batch_rows,
      flushIntervalMs: file.ledger.flush_interval_ms,
      maxQueuedRows: file.ledger.max_queued_rows,
    },
    upstream: {
      connectTimeoutMs: file.upstream.connect_timeout_ms,
      firstByteTimeoutMs: file.upstream.first_byte_timeout_ms,
      idleTimeoutMs: file.upstream.idle_timeout_ms,
      maxResponseBytes: file.upstream.max_response_bytes,
      maxEventBytes: file.upstream.max_event_bytes,
    },
    keys,
    providers,
    models,
    offerings,
    agreements,
    tenants,
    health: {
      ewmaAlpha: file.health.ewma_alpha,
      windowMs: file.health.window_ms,
      consecutiveFailures: file.health.breaker.consecutive_failures,
      errorRate: file.health.breaker.error_rate,
      minRequests: file.health.breaker.min_requests,
      openMs: file.health.breaker.open_ms,
    },
    affinity: {
      enabled: file.affinity.enabled,
      ttlMs: file.affinity.ttl_ms,
      maxEntries: file.affinity.max_entries,
    },
    governance: {
      refreshMs: file.governance.refresh_ms,
      defaultOutputTokens: file.governance.default_output_tokens,
    },
    redis:
      file.redis === undefined
        ? undefined
        : {
            url: file.redis.url,
            keyPrefix: file.redis.key_prefix,
            timeoutMs: file.redis.timeout_ms,
            onFailure: file.redis.on_failure,
          },
    database: buildDatabase(file.database, source),
  };
}

/** The SQLite file when no file is configured; the demo keeps its rows apart from a real gateway's. */
export const defaultDatabaseFile = { file: "./data/switchyard.db", demo: "./data/demo.db" } as const;

/**
 * A relative SQLite file is resolved against the configuration file's directory (the demo: the working
 * directory), so `serve` and `report` reach the same file from wherever they are started.
 */
function buildDatabase(database: ConfigFile["database"], source: string): DatabaseConfig {
  if (database.url !== undefined) return { kind: "postgres", url: database.url };
  const demo = source === "demo";
  const file = database.file ?? (demo ? defaultDatabaseFile.demo : defaultDatabaseFile.file);
  if (file === ":memory:") return { kind: "sqlite", file };
  return { kind: "sqlite", file: resolve(demo ? process.cwd() : dirname(source), file) };
}

function instantAt(text: string | undefined, path: string, problems: string[]): number | undefined {
  if (text === undefined) return undefined;
  const instant = parseInstant(text);
  if (instant === undefined) problems.push(`${path}: not a valid date`);
  return instant;
}

/** Agreements, checked: known vendor and channel, a window exactly for launch-partner, no overlapping exclusives. */
function buildAgreements(
  file: ConfigFile,
  models: ReadonlyMap<string, ModelConfig>,
  problems: string[],
): AgreementConfig[] {
  const vendors = new Set([...models.values()].map((model) => model.vendor));
  const agreements: AgreementConfig[] = [];
  file.agreements.forEach((agreement, index) => {
    const at = `agreements[${index}]`;
    if (!vendors.has(agreement.vendor))
      problems.push(`${at}.vendor: unknown vendor "${agreement.vendor}" (no model names it)`);
    const channel = typeof agreement.channel === "string" ? [agreement.channel] : agreement.channel;
    channel.forEach((provider, position) => {
      if (file.providers[provider] === undefined) {
        const where = typeof agreement.channel === "string" ? `${at}.channel` : `${at}.channel[${position}]`;
        problems.push(`${where}: unknown provider "${provider}"`);
      }
    });
    let window: Duration | undefined;
    if (agreement.terms === "launch-partner") {
      if (agreement.window === undefined) problems.push(`${at}.window: required for launch-partner terms`);
      else {
        window = parseDuration(agreement.window);
        if (window === undefined)
          problems.push(`${at}.window: "${agreement.window}" is not a duration I can use`);
      }
    } else if (agreement.window !== undefined) {
      problems.push(`${at}.window: only launch-partner terms have a window`);
    }
    const effectiveFrom = instantAt(agreement.effective_from, `${at}.effective_from`, problems);
    const effectiveUntil = instantAt(agreement.effective_until, `${at}.effective_until`, problems);
    if (effectiveFrom !== undefined && effectiveUntil !== undefined && effectiveUntil <= effectiveFrom)
      problems.push(`${at}.effective_until: must be after effective_from`);
    agreements.push({
      index,
      vendor: agreement.vendor,
      channel: new Set(channel),
      terms: agreement.terms,
      window,
      effectiveFrom,
      effectiveUntil,
      note: agreement.note,
    });
  });
  agreements.forEach((first, i) => {
    for (const second of agreements.slice(i + 1)) {
      if (first.vendor !== second.vendor || first.terms !== "exclusive" || second.terms !== "exclusive")
        continue;
      const overlaps =
        (first.effectiveUntil ?? Infinity) > (second.effectiveFrom ?? -Infinity) &&
        (second.effectiveUntil ?? Infinity) > (first.effectiveFrom ?? -Infinity);
      if (overlaps)
        problems.push(
          `agreements[${second.index}]: overlaps the exclusive agreements[${first.index}] for vendor "${first.vendor}"`,
        );
    }
  });
  for (const agreement of agreements) {
    if (agreement.terms !== "launch-partner") continue;
    for (const model of models.values()) {
      if (model.vendor === agreement.vendor && model.releaseDate === undefined)
        problems.push(
          `models.${model.id}.release_date: required, because vendor "${agreement.vendor}" has a launch-partner agreement (agreements[${agreement.index}])`,
        );
    }
  }
  return agreements;
}

/** Tenants and their policies; `default` exists even when not configured. */
function buildTenants(
  file: ConfigFile,
  models: ReadonlyMap<string, ModelConfig>,
  problems: string[],
): Map<string, TenantConfig> {
  const entries = Object.entries(file.tenants);
  if (file.tenants["default"] === undefined) entries.push(["default", tenantSchema.parse({})]);
  const tenants = new Map<string, TenantConfig>();
  const catalog = { providers: new Set(Object.keys(file.providers)), models };
  for (const [id, tenant] of entries)
    tenants.set(id, buildTenant(id, tenant, catalog, `tenants.${id}`, "file", problems));
  return tenants;
}

/** What a tenant's policy is checked against: the catalog's provider ids and models. */
export interface TenantCatalog {
  readonly providers: ReadonlySet<string>;
  readonly models: ReadonlyMap<string, unknown>;
}

/**
 * One tenant from its file form (the configuration's `tenants.<id>`, or a tenant kept in the store in
 * the same form), its problems named from `at`.
 */
export function buildTenant(
  id: string,
  tenant: TenantFile,
  catalog: TenantCatalog,
  at: string,
  source: TenantConfig["source"],
  problems: string[],
): TenantConfig {
  const policy = tenant.policy;
  const checkProvider = (provider: string, path: string): void => {
    if (!catalog.providers.has(provider)) problems.push(`${path}: unknown provider "${provider}"`);
  };
  const checkModel = (model: string, path: string): void => {
    if (!catalog.models.has(model)) problems.push(`${path}: unknown model "${model}"`);
  };
  const pat = `${at}.policy`;
  policy.providers.allow?.forEach((p, i) => checkProvider(p, `${pat}.providers.allow[${i}]`));
  policy.providers.deny.forEach((p, i) => checkProvider(p, `${pat}.providers.deny[${i}]`));
  policy.order.forEach((p, i) => checkProvider(p, `${pat}.order[${i}]`));
  for (const provider of Object.keys(policy.weights)) checkProvider(provider, `${pat}.weights.${provider}`);
  for (const [model, provider] of Object.entries(policy.pins)) {
    checkModel(model, `${pat}.pins.${model}`);
    checkProvider(provider, `${pat}.pins.${model}`);
  }
  for (const [model, fallbacks] of Object.entries(policy.fallbacks)) {
    checkModel(model, `${pat}.fallbacks.${model}`);
    fallbacks.forEach((fallback, i) => {
      checkModel(fallback, `${pat}.fallbacks.${model}[${i}]`);
      if (fallback === model)
        problems.push(`${pat}.fallbacks.${model}[${i}]: a model cannot fall back to itself`);
    });
  }
  if (policy.retries.backoff_max_ms < policy.retries.backoff_base_ms)
    problems.push(`${pat}.retries.backoff_max_ms: must be at least backoff_base_ms`);
  return {
    id,
    source,
    limits: { rpm: tenant.limits.rpm, tpm: tenant.limits.tpm },
    budgets: tenant.budgets,
    policy: {
      strategy: policy.strategy,
      allowProviders: policy.providers.allow === undefined ? undefined : new Set(policy.providers.allow),
      denyProviders: new Set(policy.providers.deny),
      allowRegions: policy.regions.allow,
      denyRegions: policy.regions.deny,
      maxPrice: { input: policy.max_price?.input, output: policy.max_price?.output },
      order: policy.order,
      weights: new Map(Object.entries(policy.weights)),
      pins: new Map(Object.entries(policy.pins)),
      balance: policy.balance,
      retries: {
        attemptsPerOffering: policy.retries.attempts_per_offering,
        backoffBaseMs: policy.retries.backoff_base_ms,
        backoffMaxMs: policy.retries.backoff_max_ms,
        retryAfterCapMs: policy.retries.retry_after_cap_ms,
      },
      timeouts: {
        connectMs: policy.timeouts.connect_ms,
        firstTokenMs: policy.timeouts.first_token_ms,
        totalMs: policy.timeouts.total_ms,
      },
      fallbacks: new Map(Object.entries(policy.fallbacks)),
    },
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

/**
 * The first characters of a key, shown in logs and reports to tell keys apart: eight at most, and
 * never more than a third of the key, so the prefix never gives most of a short key away.
 */
function visiblePrefix(key: string): string | undefined {
  const length = Math.min(8, Math.floor(key.length / 3));
  return length < 4 ? undefined : key.slice(0, length);
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
