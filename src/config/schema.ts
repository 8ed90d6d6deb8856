import { z } from "zod";

/**
 * The configuration file's schema (YAML, snake_case). Validated once at start-up, then resolved
 * into the frozen `GatewayConfig` (see `types.ts`). Later issues add tenants, agreements and
 * prices here; unknown keys are rejected so typos surface at start, not at request time.
 */

const providerId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]*$/, "must be lower-case letters, digits, '.', '_' or '-'");
const url = z
  .url({ message: "must be a URL" })
  .refine((value) => /^https?:\/\//.test(value), "must be an http(s) URL");
const positiveInt = z.number().int().positive();

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

const offeringSchema = z.strictObject({
  model: z.string().min(1),
  provider: z.string().min(1),
  /** The provider's own model id (defaults to the model id). */
  native_model: z.string().min(1).optional(),
  /** Azure's name for the native model: the deployment. */
  deployment: z.string().min(1).optional(),
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
  })
  .refine((k) => (k.key === undefined) !== (k.key_sha256 === undefined), {
    message: "set exactly one of key or key_sha256",
    path: ["key"],
  });

const serverSchema = z.strictObject({
  host: z.string().min(1).default("127.0.0.1"),
  port: z.number().int().min(0).max(65535).default(4800),
  body_limit_bytes: positiveInt.default(4 * 1024 * 1024),
  shutdown_grace_ms: z.number().int().min(0).default(10_000),
  log_level: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

const upstreamSchema = z.strictObject({
  connect_timeout_ms: positiveInt.default(5_000),
  /** Time allowed until the upstream's response headers (non-stream: the whole answer's start). */
  first_byte_timeout_ms: positiveInt.default(60_000),
  /** Longest silence allowed between two chunks of an upstream body. */
  idle_timeout_ms: positiveInt.default(60_000),
});

export const configSchema = z.strictObject({
  server: serverSchema.prefault({}),
  upstream: upstreamSchema.prefault({}),
  keys: z.array(keySchema).min(1),
  providers: z.record(providerId, providerSchema),
  models: z.record(z.string().min(1), modelSchema),
  offerings: z.array(offeringSchema),
});

export type ConfigFile = z.infer<typeof configSchema>;
export type ProviderFile = z.infer<typeof providerSchema>;
