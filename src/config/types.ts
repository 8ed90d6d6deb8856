import type { Dialect } from "../core/chat-request.js";
import type { EmbeddingsDialect } from "../core/embeddings.js";

/** The resolved, frozen configuration every service reads. Only `load.ts` builds it. */

export type ProviderKind = ProviderConfig["kind"];
export type Capability = "chat" | "tools" | "vision" | "json" | "embeddings";

/** What every provider has, whatever its kind. */
interface ProviderCommon {
  readonly id: string;
  readonly region: string | undefined;
  readonly labels: Readonly<Record<string, string>>;
  /**
   * Where requests go: OpenAI-kind and openai-compatible, the base URL with its version segment; Azure, the
   * resource endpoint; Bedrock, the runtime endpoint; Vertex, the regional API origin; Gemini and Anthropic,
   * the API origin. Never ends with `/`.
   */
  readonly baseUrl: string;
  /** Extra headers sent on every upstream request. */
  readonly headers: Readonly<Record<string, string>>;
  readonly unsupportedParameters: ReadonlySet<string>;
  readonly maxConnections: number;
}

/** OpenAI itself, or any server that speaks its API (vLLM, Ollama, llama.cpp, Together, Groq…). */
export interface OpenAIProviderConfig extends ProviderCommon {
  readonly kind: "openai" | "openai-compatible";
  readonly apiKey: string | undefined;
  readonly organization: string | undefined;
  readonly project: string | undefined;
}

export interface AzureProviderConfig extends ProviderCommon {
  readonly kind: "azure";
  readonly apiKey: string | undefined;
  /** A Microsoft Entra ID token sent as Bearer. */
  readonly entraToken: string | undefined;
  /** A dated API version selects the classic deployment route. */
  readonly apiVersion: string | undefined;
}

/** AWS Bedrock: SigV4 with static keys (and an optional session token), or a Bedrock API key. */
export interface BedrockProviderConfig extends ProviderCommon {
  readonly kind: "bedrock";
  /** The AWS region, e.g. `us-east-1` (required for signing). */
  readonly region: string;
  readonly credentials:
    | {
        readonly type: "sigv4";
        readonly accessKeyId: string;
        readonly secretAccessKey: string;
        readonly sessionToken: string | undefined;
      }
    | { readonly type: "api-key"; readonly apiKey: string };
}

/** Google Vertex AI: Gemini, Claude (rawPredict) and OpenAI-compatible models in one project and location. */
export interface VertexProviderConfig extends ProviderCommon {
  readonly kind: "vertex";
  readonly project: string;
  /** The Vertex location, e.g. `us-central1`, `europe-west4` or `global` (also in `region`). */
  readonly location: string;
  readonly credentials:
    | {
        readonly type: "service-account";
        /** The service-account key file's JSON text. */
        readonly keyJson: string;
      }
    | { readonly type: "access-token"; readonly accessToken: string };
}

/** The Gemini API (generativelanguage.googleapis.com) with an API key. */
export interface GeminiProviderConfig extends ProviderCommon {
  readonly kind: "gemini";
  readonly apiKey: string;
  /** `v1beta` unless configured. */
  readonly apiVersion: string;
}

/** Anthropic's Messages API with `x-api-key` and `anthropic-version`. */
export interface AnthropicProviderConfig extends ProviderCommon {
  readonly kind: "anthropic";
  readonly apiKey: string;
  readonly anthropicVersion: string;
}

export type ProviderConfig =
  | OpenAIProviderConfig
  | AzureProviderConfig
  | BedrockProviderConfig
  | VertexProviderConfig
  | GeminiProviderConfig
  | AnthropicProviderConfig;

export interface ModelConfig {
  readonly id: string;
  readonly vendor: string;
  readonly releaseDate: string | undefined;
  /** `releaseDate` as epoch milliseconds (midnight UTC). */
  readonly releasedAt: number | undefined;
  readonly capabilities: ReadonlySet<Capability>;
  readonly contextWindow: number | undefined;
}

export interface OfferingConfig {
  /** `model@provider`, unique. */
  readonly id: string;
  readonly model: string;
  readonly provider: string;
  readonly nativeModel: string;
  /**
   * The wire dialect this offering speaks, from its provider's kind (and, on some clouds, the model's
   * vendor); `openai-responses` when the offering declares `api: responses`, `bedrock-anthropic` for
   * `api: invoke`.
   */
  readonly dialect: Dialect;
  /** The model's vendor (`anthropic`, `meta`…): which `anthropic-beta` flags can apply (catalog/anthropic-betas.ts). */
  readonly vendor?: string;
  /** The embeddings wire format, for offerings of embedding models (see `embeddingsDialectFor`). */
  readonly embeddingsDialect: EmbeddingsDialect | undefined;
  /** The provider's region, where the offering's data is processed. */
  readonly region: string | undefined;
  /** The region's geography (`us`, `eu`…): the provider's `geo` label, or derived from the region name. */
  readonly geo: string | undefined;
  /** Position in the configuration: the last tie-breaker of every strategy. */
  readonly position: number;
  /**
   * The offering's prices over time, sorted by `from` (the first may hold since always); empty when the
   * catalog states no price. Read them with `priceAt` (catalog/pricing.ts), never by index.
   */
  readonly prices: readonly PriceChange[];
  /** Epoch milliseconds; the offering is unavailable before (inclusive bound). */
  readonly availableFrom: number | undefined;
  /** Epoch milliseconds; the offering is unavailable from this instant on. */
  readonly availableUntil: number | undefined;
  /** The model's capabilities, or the offering's own override. */
  readonly capabilities: ReadonlySet<Capability>;
  readonly contextWindow: number | undefined;
  readonly maxOutputTokens: number | undefined;
}

/** USD per 1M tokens. */
export interface Price {
  /** Uncached input tokens. */
  readonly input: number;
  /** Output tokens, reasoning included. */
  readonly output: number;
  /** Input tokens read from the prompt cache; the input price unless configured. */
  readonly cachedInput: number;
  /** Input tokens written to the prompt cache; the input price unless configured. */
  readonly cacheWrite: number;
}

/** A price and the instant it took effect; it holds until the next change. */
export interface PriceChange extends Price {
  /** Epoch milliseconds, inclusive; undefined: since always. */
  readonly from: number | undefined;
}

export type AgreementTerms = "exclusive" | "launch-partner" | "preferential" | "open";

/** An ISO-8601 duration, in calendar fields (months and years have no fixed length). */
export interface Duration {
  readonly text: string;
  readonly years: number;
  readonly months: number;
  readonly weeks: number;
  readonly days: number;
  readonly hours: number;
  readonly minutes: number;
  readonly seconds: number;
}

/** Vendor × channel terms over a period; see DESIGN "Agreement semantics". */
export interface AgreementConfig {
  /** `agreements[i]`, for messages. */
  readonly index: number;
  readonly vendor: string;
  readonly channel: ReadonlySet<string>;
  readonly terms: AgreementTerms;
  /** launch-partner: how long other channels wait after a model's release. */
  readonly window: Duration | undefined;
  /** Epoch milliseconds, inclusive. */
  readonly effectiveFrom: number | undefined;
  /** Epoch milliseconds, exclusive. */
  readonly effectiveUntil: number | undefined;
  readonly note: string | undefined;
}

export type Strategy = "preferred" | "cheapest" | "fastest" | "balanced" | "weighted" | "pinned";

export interface RetryPolicy {
  readonly attemptsPerOffering: number;
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
  readonly retryAfterCapMs: number;
}

export interface PolicyConfig {
  readonly strategy: Strategy;
  /** Allowed providers; all when undefined. */
  readonly allowProviders: ReadonlySet<string> | undefined;
  readonly denyProviders: ReadonlySet<string>;
  /** Allowed regions or geographies; all when undefined. */
  readonly allowRegions: readonly string[] | undefined;
  readonly denyRegions: readonly string[];
  readonly maxPrice: { readonly input: number | undefined; readonly output: number | undefined };
  readonly order: readonly string[];
  readonly weights: ReadonlyMap<string, number>;
  readonly pins: ReadonlyMap<string, string>;
  readonly balance: { readonly price: number; readonly latency: number; readonly errors: number };
  readonly retries: RetryPolicy;
  readonly timeouts: {
    readonly connectMs: number | undefined;
    readonly firstTokenMs: number | undefined;
    readonly totalMs: number | undefined;
  };
  readonly fallbacks: ReadonlyMap<string, readonly string[]>;
  /** A key's narrowing of the boundary (its `providers` and `regions`), set per key by the planner. */
  readonly keyProviders?: ReadonlySet<string> | undefined;
  readonly keyRegions?: readonly string[] | undefined;
}

export interface TenantConfig {
  readonly id: string;
  readonly policy: PolicyConfig;
  /** Requests and tokens per minute for the whole tenant (every key together). */
  readonly limits: RateLimits;
  readonly budgets: readonly BudgetRule[];
  /** `file`: read-only, from the configuration; `store`: created with the CLI or the admin API. */
  readonly source: "file" | "store";
}

/** Per-minute rate limits; undefined: no limit. */
export interface RateLimits {
  readonly rpm: number | undefined;
  readonly tpm: number | undefined;
}

export type BudgetPeriod = "day" | "week" | "month" | "lifetime";

/** A spending cap in USD over a UTC calendar period: `hard` refuses, `soft` answers with a warning. */
export interface BudgetRule {
  readonly usd: number;
  readonly period: BudgetPeriod;
  readonly mode: "hard" | "soft";
}

export interface HealthConfig {
  readonly ewmaAlpha: number;
  readonly windowMs: number;
  readonly consecutiveFailures: number;
  readonly errorRate: number;
  readonly minRequests: number;
  readonly openMs: number;
}

export type LogLevel = "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";

/** A virtual key: from the configuration file (read-only) or from the store (the CLI, `/admin/keys`). */
export interface KeyConfig {
  /** Stable: a file key's name, or a store key's `key_…` id. The ledger's `key_id`. */
  readonly id: string;
  readonly name: string;
  /** Hex SHA-256 of the key; the key itself is never kept. */
  readonly sha256: string;
  /** The key's first characters, for people telling keys apart; undefined when only a hash is configured. */
  readonly prefix: string | undefined;
  readonly tenant: string;
  /** Narrowing of the tenant's models, providers and regions (never a widening); undefined: the tenant's. */
  readonly models: ReadonlySet<string> | undefined;
  readonly providers: ReadonlySet<string> | undefined;
  readonly regions: readonly string[] | undefined;
  readonly admin: boolean;
  /** Epoch milliseconds from which the key is refused; undefined: never expires. */
  readonly expiresAt: number | undefined;
  /** Epoch milliseconds when it was revoked (store keys only). */
  readonly revokedAt: number | undefined;
  readonly labels: Readonly<Record<string, string>>;
  readonly limits: RateLimits;
  readonly budgets: readonly BudgetRule[];
  readonly source: "file" | "store";
}

/**
 * Where the store lives (the same shape `openStore` takes). SQLite's `file` is absolute, or `:memory:`;
 * PostgreSQL's `url` holds the password, so it is never logged.
 */
export type DatabaseConfig =
  { readonly kind: "sqlite"; readonly file: string } | { readonly kind: "postgres"; readonly url: string };

export interface GatewayConfig {
  /** Where the configuration came from: a file path, or `demo`. */
  readonly source: string;
  readonly server: {
    readonly host: string;
    readonly port: number;
    readonly bodyLimitBytes: number;
    readonly shutdownGraceMs: number;
    /** Who may read `GET /metrics`. */
    readonly metrics: "open" | "admin" | "off";
    /** The same as `log.level` (kept for the code that reads it here). */
    readonly logLevel: LogLevel;
    readonly headersTimeoutMs: number;
    readonly requestTimeoutMs: number;
    readonly keepAliveTimeoutMs: number;
    /** 0: no cap. */
    readonly maxConnectionsPerClient: number;
  };
  readonly log: {
    readonly level: LogLevel;
    /** Whether each request leaves an access-log line. */
    readonly requests: boolean;
  };
  /** The usage ledger writer: whether it runs, and its bounds. */
  readonly ledger: {
    readonly enabled: boolean;
    readonly batchRows: number;
    readonly flushIntervalMs: number;
    readonly maxQueuedRows: number;
  };
  readonly upstream: {
    readonly connectTimeoutMs: number;
    readonly firstByteTimeoutMs: number;
    readonly idleTimeoutMs: number;
    readonly maxResponseBytes: number;
    readonly maxEventBytes: number;
  };
  readonly keys: readonly KeyConfig[];
  readonly providers: ReadonlyMap<string, ProviderConfig>;
  readonly models: ReadonlyMap<string, ModelConfig>;
  /** In configuration order. */
  readonly offerings: readonly OfferingConfig[];
  readonly agreements: readonly AgreementConfig[];
  /** Every tenant a key names; `default` always exists. */
  readonly tenants: ReadonlyMap<string, TenantConfig>;
  readonly health: HealthConfig;
  readonly database: DatabaseConfig;
  readonly governance: GovernanceConfig;
  readonly affinity: { readonly enabled: boolean; readonly ttlMs: number; readonly maxEntries: number };
  /** Shared counters and circuits across replicas; undefined: everything stays in process. */
  readonly redis: RedisConfig | undefined;
}

export interface GovernanceConfig {
  /** How often a gateway re-reads the keys and tenants in the store (revocations by another process). */
  readonly refreshMs: number;
  /** The output bound a budget reserves when neither the request nor the offering sets one. */
  readonly defaultOutputTokens: number;
}

export interface RedisConfig {
  /** Holds the password when there is one: never logged. */
  readonly url: string;
  readonly keyPrefix: string;
  /** The longest an admission waits for Redis before the `onFailure` mode applies. */
  readonly timeoutMs: number;
  /** Redis unreachable: `open` admits without the shared limits (warned), `closed` refuses with 503. */
  readonly onFailure: "open" | "closed";
}
