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
/** Kinds whose codec and transport exist today. */
export const supportedProviderKinds = new Set<string>(["openai", "azure", "openai-compatible"]);

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

const laterProvider = z.looseObject({
  kind: z.enum(["bedrock", "vertex", "gemini", "anthropic"]),
});

export const providerSchema = z.discriminatedUnion("kind", [
  openaiProvider,
  azureProvider,
  openaiCompatibleProvider,
  laterProvider,
]);

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
