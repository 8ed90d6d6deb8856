import { z } from "zod";

/**
 * The configuration file's schema (YAML, snake_case). Validated once at start-up, then resolved
 * into the frozen `GatewayConfig` (see `types.ts`). Later issues add tenants, agreements and
 * prices here; unknown keys are rejected so typos surface at start, not at request time.
 */

const providerId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]*$/, "must be lower-case letters, digits, '.', '_' or '-'");
/** One check, so a bad URL is reported once; a missing one is "required" (see `configIssueText`). */
const url = z.url({ protocol: /^https?$/, error: "must be an http(s) URL such as https://example.com" });
const positiveInt = z.number().int().positive();

/** An integer in a closed range, with one message that states the whole range. */
function integerFrom(min: number, max: number) {
  const error = `must be an integer from ${min} to ${max}`;
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error });
}

export const providerKinds = [
  "openai",
  "azure",
  "openai-compatible",
  "bedrock",
  "vertex",
  "gemini",
  "anthropic",
] as const;

const commonProvider = {
  region: z.string().min(1).optional(),
  labels: z.record(z.string(), z.string()).optional(),
  headers: z.record(z.string(), z.string()).optional(),
  /** OpenAI request fields this provider rejects; they are dropped with a warning header. */
  unsupported_parameters: z.array(z.string().min(1)).optional(),
  max_connections: positiveInt.optional(),
};

const openaiProvider = z.strictObject({
  kind: z.literal("openai"),
  base_url: url.optional(),
  api_key: z.string().min(1),
  organization: z.string().min(1).optional(),
  project: z.string().min(1).optional(),
  ...commonProvider,
});

const azureProvider = z
  .strictObject({
    kind: z.literal("azure"),
    /** The resource endpoint, e.g. https://my-resource.openai.azure.com */
    endpoint: url,
    /** A dated API version selects the classic deployment route; without one the `/openai/v1` route is used. */
    api_version: z.string().min(1).optional(),
    api_key: z.string().min(1).optional(),
    /** A Microsoft Entra ID access token, sent as a Bearer token. */
    entra_token: z.string().min(1).optional(),
    ...commonProvider,
  })
  .refine((p) => (p.api_key === undefined) !== (p.entra_token === undefined), {
    message: "set exactly one of api_key or entra_token",
    path: ["api_key"],
  });

const openaiCompatibleProvider = z.strictObject({
  kind: z.literal("openai-compatible"),
  /** The base URL up to and including the version segment, e.g. http://localhost:8000/v1 */
  base_url: url,
  api_key: z.string().min(1).optional(),
  ...commonProvider,
});

/**
 * AWS Bedrock runtime. Login: SigV4 with `access_key_id` + `secret_access_key` (+ `session_token`), or a
 * Bedrock API key sent as Bearer. `endpoint` defaults to `https://bedrock-runtime.{region}.amazonaws.com`.
 */
const bedrockProvider = z
  .strictObject({
    kind: z.literal("bedrock"),
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, "must be an AWS region such as us-east-1"),
    endpoint: url.optional(),
    access_key_id: z.string().min(1).optional(),
    secret_access_key: z.string().min(1).optional(),
    session_token: z.string().min(1).optional(),
    api_key: z.string().min(1).optional(),
    ...omitRegion(commonProvider),
  })
  .refine(
    (p) =>
      p.api_key !== undefined
        ? p.access_key_id === undefined && p.secret_access_key === undefined && p.session_token === undefined
        : p.access_key_id !== undefined && p.secret_access_key !== undefined,
    {
      message: "set access_key_id and secret_access_key (and optionally session_token), or api_key",
      path: ["api_key"],
    },
  );

/**
 * Google Vertex AI. Login: a service-account key (file path or JSON text) from which access tokens are
 * minted and cached until they expire, or a given `access_token`. `region` is the Vertex location.
 */
const vertexProvider = z
  .strictObject({
    kind: z.literal("vertex"),
    project: z.string().min(1),
    region: z
      .string()
      .regex(/^(global|[a-z]+-[a-z]+\d+)$/, "must be a Vertex location such as us-central1 or global"),
    endpoint: url.optional(),
    service_account_key_file: z.string().min(1).optional(),
    service_account_key: z.string().min(1).optional(),
    access_token: z.string().min(1).optional(),
    ...omitRegion(commonProvider),
  })
  .refine(
    (p) =>
      [p.service_account_key_file, p.service_account_key, p.access_token].filter((v) => v !== undefined)
        .length === 1,
    {
      message: "set exactly one of service_account_key_file, service_account_key or access_token",
      path: ["access_token"],
    },
  );

/** The Gemini API with an API key (`x-goog-api-key`). */
const geminiProvider = z.strictObject({
  kind: z.literal("gemini"),
  api_key: z.string().min(1),
  base_url: url.optional(),
  api_version: z.string().min(1).optional(),
  ...commonProvider,
});

/** Anthropic's API with `x-api-key` and `anthropic-version`. */
const anthropicProvider = z.strictObject({
  kind: z.literal("anthropic"),
  api_key: z.string().min(1),
  base_url: url.optional(),
  anthropic_version: z.string().min(1).optional(),
  ...commonProvider,
});

export const providerSchema = z.discriminatedUnion("kind", [
  openaiProvider,
  azureProvider,
  openaiCompatibleProvider,
  bedrockProvider,
  vertexProvider,
  geminiProvider,
  anthropicProvider,
]);

function omitRegion<T extends { region: unknown }>(common: T): Omit<T, "region"> {
  const { region: _region, ...rest } = common;
  return rest;
}

export const capabilities = ["chat", "tools", "vision", "json", "embeddings"] as const;

const modelSchema = z.strictObject({
  vendor: z.string().min(1),
  release_date: z.iso.date({ message: "must be a date (YYYY-MM-DD)" }).optional(),
  capabilities: z.array(z.enum(capabilities)).min(1),
  context_window: positiveInt.optional(),
});

/** A calendar date (midnight UTC) or an ISO-8601 date-time with an offset. */
const instant = z.union([z.iso.date(), z.iso.datetime({ offset: true })], {
  message: "must be a date (YYYY-MM-DD) or an ISO-8601 date-time",
});
/** USD per 1M tokens. */
const price = z.number().min(0, "must not be negative");
const priceFields = {
  input: price,
  output: price,
  cached_input: price.optional(),
  cache_write: price.optional(),
};

const offeringSchema = z.strictObject({
  model: z.string().min(1),
  provider: z.string().min(1),
  /** The provider's own model id (defaults to the model id). */
  native_model: z.string().min(1).optional(),
  /** Azure's name for the native model: the deployment. */
  deployment: z.string().min(1).optional(),
  /**
   * The API the offering is reached through: `chat` (the provider kind's own chat dialect, the default)
   * or `responses` (OpenAI's Responses API, for a model OpenAI or Azure serves only there); on Bedrock,
   * `converse` (the default, same as `chat`) or `invoke` (InvokeModel with Anthropic's Messages body, Claude only).
   */
  api: z.enum(["chat", "responses", "converse", "invoke"]).optional(),
  /** USD per 1M tokens. `cached_input` and `cache_write` default to `input`. */
  price: z.strictObject(priceFields).optional(),
  /** Effective-dated prices instead of `price`: each holds from its `from` until the next one's. */
  prices: z
    .array(z.strictObject({ from: instant.optional(), ...priceFields }))
    .min(1, "must list at least one price")
    .optional(),
  /** The offering's own availability, on top of any agreement. */
  available_from: instant.optional(),
  available_until: instant.optional(),
  /** Replaces the model's capabilities for this offering (a cloud may not offer tools or vision for it). */
  capabilities: z.array(z.enum(capabilities)).min(1).optional(),
  limits: z
    .strictObject({ context_window: positiveInt.optional(), max_output_tokens: positiveInt.optional() })
    .optional(),
});

export const agreementTerms = ["exclusive", "launch-partner", "preferential", "open"] as const;

const agreementSchema = z.strictObject({
  vendor: z.string().min(1),
  /** The providers the terms apply to (one cloud may have several providers: regions, accounts). */
  channel: z.union([providerId, z.array(providerId).min(1)], {
    error: "must be a provider id or a list of provider ids",
  }),
  terms: z.enum(agreementTerms),
  /** launch-partner only: how long after a model's release other channels must wait (ISO-8601, e.g. P30D). */
  window: z.iso.duration({ message: "must be an ISO-8601 duration such as P30D" }).optional(),
  effective_from: instant.optional(),
  effective_until: instant.optional(),
  note: z.string().optional(),
});

export const strategies = ["preferred", "cheapest", "fastest", "balanced", "weighted", "pinned"] as const;

/** A region id (`eastus`, `eu-west-1`, `europe-west4`) or a geography (`us`, `eu`, `apac`). */
const regionName = z.string().regex(/^[a-z][a-z0-9-]*$/, "must be a lower-case region or geography name");

const policySchema = z.strictObject({
  strategy: z.enum(strategies).default("preferred"),
  /** A hard boundary: no plan and no fallback ever leaves it. */
  providers: z
    .strictObject({ allow: z.array(providerId).optional(), deny: z.array(providerId).default([]) })
    .prefault({}),
  regions: z
    .strictObject({ allow: z.array(regionName).optional(), deny: z.array(regionName).default([]) })
    .prefault({}),
  /** USD per 1M tokens; offerings above either price are left out. */
  max_price: z.strictObject({ input: price.optional(), output: price.optional() }).optional(),
  /** The tenant's own provider order, used by `preferred` after agreements. */
  order: z.array(providerId).default([]),
  /** `weighted`: relative traffic share per provider. */
  weights: z.record(providerId, z.number().min(0)).default({}),
  /** `pinned`: the provider each model is pinned to (otherwise the top `preferred` offering). */
  pins: z.record(z.string().min(1), providerId).default({}),
  /** `balanced`: how much price, latency and error rate count (normalised to sum to 1). */
  balance: z
    .strictObject({
      price: z.number().min(0).default(0.4),
      latency: z.number().min(0).default(0.4),
      errors: z.number().min(0).default(0.2),
    })
    .prefault({}),
  retries: z
    .strictObject({
      /** Tries of one offering before moving on (1 = never retry the same offering). */
      attempts_per_offering: integerFrom(1, 10).default(2),
      backoff_base_ms: z.number().int().min(0).default(100),
      backoff_max_ms: z.number().int().min(0).default(2_000),
      /** The longest Retry-After the gateway waits for or opens a circuit for. */
      retry_after_cap_ms: z.number().int().min(0).default(10_000),
    })
    .prefault({}),
  timeouts: z
    .strictObject({
      connect_ms: positiveInt.optional(),
      /** Until the upstream's first byte (its response headers; for streams, the first token's frame). */
      first_token_ms: positiveInt.optional(),
      /** The whole request, every attempt included, until the answer starts. */
      total_ms: positiveInt.optional(),
    })
    .prefault({}),
  /** Models to try, in order, when no offering of a model is eligible or all of them failed. */
  fallbacks: z.record(z.string().min(1), z.array(z.string().min(1)).min(1)).default({}),
});

export const budgetPeriods = ["day", "week", "month", "lifetime"] as const;

/** A spending cap in USD per UTC calendar period (weeks start on Monday). */
export const budgetSchema = z.strictObject({
  usd: z.number().positive("must be a positive amount of USD").finite(),
  period: z.enum(budgetPeriods),
  /** `hard` refuses with 429 once reached; `soft` answers with a warning header and a log line. */
  mode: z.enum(["hard", "soft"]).default("hard"),
});

/** Per-minute rate limits (token buckets: the full amount, refilled continuously over a minute). */
export const limitsSchema = z.strictObject({
  rpm: positiveInt.optional(),
  tpm: positiveInt.optional(),
});

/** At most one budget per period: two caps over the same period would only hide the smaller one. */
const budgetList = z
  .array(budgetSchema)
  .default([])
  .refine((budgets) => new Set(budgets.map((budget) => budget.period)).size === budgets.length, {
    message: "at most one budget per period",
  });

export const tenantSchema = z.strictObject({
  policy: policySchema.prefault({}),
  limits: limitsSchema.prefault({}),
  budgets: budgetList,
});

/** `YYYY-MM-DD` (the end of that day, UTC, is not included: the key expires at its start) or an ISO instant. */
export const expirySchema = z
  .string()
  .refine((value) => /^\d{4}-\d{2}-\d{2}(T.+)?$/.test(value) && !Number.isNaN(Date.parse(value)), {
    message: "must be a date (YYYY-MM-DD) or an ISO-8601 instant",
  });

const healthSchema = z.strictObject({
  /** Weight of the newest sample in the latency and time-to-first-token averages. */
  ewma_alpha: z.number().gt(0).max(1).default(0.3),
  /** The sliding window the error rate is computed over. */
  window_ms: positiveInt.default(60_000),
  breaker: z
    .strictObject({
      /** Consecutive failures that open the circuit. */
      consecutive_failures: positiveInt.default(5),
      /** Or: this error rate over the window, once it holds at least `min_requests`. */
      error_rate: z.number().gt(0).max(1).default(0.5),
      min_requests: positiveInt.default(20),
      /** How long an opened circuit stays open before a half-open probe. */
      open_ms: positiveInt.default(30_000),
    })
    .prefault({}),
});

const keySchema = z
  .strictObject({
    name: z.string().min(1),
    /** The key itself (usually `${ENV_VAR}`); only its SHA-256 is kept in memory. */
    key: z.string().min(8, "must be at least 8 characters").optional(),
    /** The hex SHA-256 of the key, for configurations that must not hold the key. */
    key_sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/, "must be 64 lower-case hex digits")
      .optional(),
    tenant: z.string().min(1).default("default"),
    /** Models this key may use; all when absent. */
    models: z.array(z.string().min(1)).optional(),
    /** Providers and regions this key may be routed to, inside its tenant's; all of the tenant's when absent. */
    providers: z.array(providerId).optional(),
    regions: z.array(regionName).optional(),
    /** May call the admin endpoints (`/admin/...`) for any tenant. */
    admin: z.boolean().default(false),
    expires: expirySchema.optional(),
    labels: z.record(z.string().min(1), z.string()).default({}),
    limits: limitsSchema.prefault({}),
    budgets: budgetList,
  })
  .refine((k) => (k.key === undefined) !== (k.key_sha256 === undefined), {
    message: "set exactly one of key or key_sha256",
    path: ["key"],
  });

export const logLevels = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

const serverSchema = z
  .strictObject({
    host: z.string().min(1).default("127.0.0.1"),
    /** 0: any free port (the tests' choice). */
    port: integerFrom(0, 65535).default(4800),
    body_limit_bytes: positiveInt.default(4 * 1024 * 1024),
    shutdown_grace_ms: z.number().int().min(0).default(10_000),
    /** `GET /metrics`: `open` (no key, as Prometheus scrapes by default), `admin` (an admin key), or `off`. */
    metrics: z.enum(["open", "admin", "off"]).default("open"),
    /** The older spelling of `log.level`; kept so existing files still load (setting both differently is an error). */
    log_level: z.enum(logLevels).optional(),
    /** Until a connection's request headers are complete (slow-loris bound; nginx's client_header_timeout). */
    headers_timeout_ms: positiveInt.default(30_000),
    /** Until the whole request (headers and body) has arrived; the response, a stream included, is not counted. */
    request_timeout_ms: positiveInt.default(60_000),
    /** An idle keep-alive connection is closed after this (above a load balancer's usual 60 s idle timeout). */
    keep_alive_timeout_ms: positiveInt.default(65_000),
    /** Open connections one client address may hold; 0 turns the cap off (behind a proxy every client is its address). */
    max_connections_per_client: z.number().int().min(0).default(1024),
  })
  .refine((server) => server.headers_timeout_ms <= server.request_timeout_ms, {
    message: "must not be longer than server.request_timeout_ms (the headers are part of the request)",
    path: ["headers_timeout_ms"],
  });

const logSchema = z.strictObject({
  /** pino's level for every line the gateway writes (`info` unless `server.log_level` says otherwise). */
  level: z.enum(logLevels).optional(),
  /** One access-log line per request, at `info` (see docs/observability.md). */
  requests: z.boolean().default(true),
});

const upstreamSchema = z.strictObject({
  connect_timeout_ms: positiveInt.default(5_000),
  /** Time allowed until the upstream's response headers (non-stream: the whole answer's start). */
  first_byte_timeout_ms: positiveInt.default(60_000),
  /** Longest silence allowed between two chunks of an upstream body. */
  idle_timeout_ms: positiveInt.default(60_000),
  /** Largest whole (non-stream) answer buffered from a provider. */
  max_response_bytes: positiveInt.default(32 * 1024 * 1024),
  /** Largest single stream event (SSE) or frame (AWS event stream) waiting to be complete. */
  max_event_bytes: positiveInt.default(1024 * 1024),
});

/** The usage ledger: one row per request, written to the store in batches off the request path. */
const ledgerSchema = z.strictObject({
  /** Off: no rows are written (the store is still opened, for the reports already in it). */
  enabled: z.boolean().default(true),
  /** Rows per INSERT; a full batch is written at once. */
  batch_rows: positiveInt.default(100),
  /** The longest a row waits before its batch is written, however small. */
  flush_interval_ms: positiveInt.default(1_000),
  /** Rows held in memory at most while the store is slow or down; past it, rows are dropped and counted. */
  max_queued_rows: positiveInt.default(10_000),
});

/** Where the store lives: PostgreSQL when `url` is set, otherwise an SQLite file. */
const databaseSchema = z
  .strictObject({
    /** `postgres://user:password@host:port/database` (usually `${DATABASE_URL}`). */
    url: z
      .string()
      .refine(
        (value) => /^postgres(ql)?:\/\//.test(value) && URL.canParse(value),
        "must be a postgres:// or postgresql:// URL",
      )
      .optional(),
    /** The SQLite file, relative to the configuration file's directory. */
    file: z.string().min(1).optional(),
  })
  .refine((database) => database.url === undefined || database.file === undefined, {
    message: "set url (PostgreSQL) or file (SQLite), not both",
    path: ["file"],
  });

const governanceSchema = z.strictObject({
  /** How often each gateway re-reads keys and tenants from the store: the bound on a revocation's delay. */
  refresh_ms: integerFrom(100, 3_600_000).default(1_000),
  /** The output bound a budget reserves for a request that sets no `max_tokens` on an offering without a limit. */
  default_output_tokens: positiveInt.default(4_096),
});

/** Shared rate limits, budget reservations and circuit state across replicas. */
const redisSchema = z.strictObject({
  url: z
    .string()
    .refine(
      (value) => /^rediss?:\/\//.test(value) && URL.canParse(value),
      "must be a redis:// or rediss:// URL",
    ),
  key_prefix: z.string().default("switchyard:"),
  timeout_ms: positiveInt.default(250),
  /** Redis unreachable: `open` admits without the shared limits (logged, warned in a header); `closed` answers 503. */
  on_failure: z.enum(["open", "closed"]).default("open"),
});

/** Cache-aware affinity: a conversation stays on the offering that served its last turn while it is in the plan. */
const affinitySchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** How long after its last answer a conversation stays (Anthropic's and OpenAI's prompt caches: 5 minutes). */
  ttl_ms: positiveInt.default(300_000),
  max_entries: positiveInt.default(100_000),
});

export const configSchema = z.strictObject({
  server: serverSchema.prefault({}),
  log: logSchema.prefault({}),
  upstream: upstreamSchema.prefault({}),
  keys: z.array(keySchema).min(1),
  providers: z.record(providerId, providerSchema),
  models: z.record(z.string().min(1), modelSchema),
  offerings: z.array(offeringSchema),
  agreements: z.array(agreementSchema).default([]),
  tenants: z.record(z.string().min(1), tenantSchema).default({}),
  health: healthSchema.prefault({}),
  database: databaseSchema.prefault({}),
  ledger: ledgerSchema.prefault({}),
  governance: governanceSchema.prefault({}),
  affinity: affinitySchema.prefault({}),
  redis: redisSchema.optional(),
});

export type ConfigFile = z.infer<typeof configSchema>;
export type ProviderFile = z.infer<typeof providerSchema>;
export type TenantFile = z.infer<typeof tenantSchema>;
