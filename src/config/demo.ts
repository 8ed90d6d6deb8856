/**
 * The built-in demo configuration: emulated clouds behind one gateway, so that `npm start` on a fresh
 * clone answers at once. It is an ordinary configuration document and goes through the same
 * validation as a file. Its catalog tells the multi-cloud story with dates relative to today, so it
 * stays true whenever it runs:
 *
 * - OpenAI was exclusive to Azure until 2025-10-28; since then Azure is its launch partner (new models
 *   reach other clouds 30 days after release) and its preferential channel.
 * - `gpt-nova` was released ten days ago: today only Azure serves it; AWS and Google follow when its
 *   launch window closes, 20 days from now. `gpt-oss-120b` reached AWS and Google when the
 *   exclusivity ended. `gpt-4o-mini` is on Azure and OpenAI.
 * - Claude is on Anthropic, AWS and Google; Gemini on the Gemini API and Google Vertex; Llama on AWS,
 *   Google and a self-hosted OpenAI-compatible server. Prices differ per cloud; providers sit in the
 *   US and the EU.
 */

/** A demo provider: its name, which kind of cloud it is, and where. Each is played by an emulator. */
export interface DemoProvider {
  readonly name: string;
  readonly kind: "openai" | "azure" | "openai-compatible" | "bedrock" | "vertex" | "gemini" | "anthropic";
  readonly region: string;
}

export const DEMO_PROVIDERS: readonly DemoProvider[] = [
  { name: "openai", kind: "openai", region: "us" },
  { name: "azure-eastus", kind: "azure", region: "eastus" },
  { name: "llama-host", kind: "openai-compatible", region: "eu-west" },
  { name: "azure-swedencentral", kind: "azure", region: "swedencentral" },
  { name: "aws-us-east-1", kind: "bedrock", region: "us-east-1" },
  { name: "anthropic", kind: "anthropic", region: "us" },
  { name: "gcp-us-central1", kind: "vertex", region: "us-central1" },
  { name: "gcp-europe-west4", kind: "vertex", region: "europe-west4" },
  { name: "gemini", kind: "gemini", region: "global" },
];

/** Where a demo provider's emulator listens and how to log in to it. */
export interface DemoUpstream {
  /** What an SDK's base URL would be (OpenAI kinds: with `/v1`; others: the origin). */
  readonly baseUrl: string;
  readonly credentials:
    | { readonly type: "api-key"; readonly apiKey: string }
    | { readonly type: "aws"; readonly accessKeyId: string; readonly secretAccessKey: string }
    | { readonly type: "google-service-account"; readonly project: string; readonly keyJson: string };
}

export type DemoUpstreams = ReadonlyMap<string, DemoUpstream>;

/** Upstreams that point nowhere: for commands that read the demo catalog without serving it. */
export function placeholderUpstreams(): DemoUpstreams {
  return new Map(
    DEMO_PROVIDERS.map((provider) => [
      provider.name,
      {
        baseUrl:
          provider.kind === "openai" || provider.kind === "openai-compatible"
            ? "http://127.0.0.1:9/v1"
            : "http://127.0.0.1:9",
        credentials:
          provider.kind === "bedrock"
            ? { type: "aws", accessKeyId: "AKIAPLACEHOLDER00000", secretAccessKey: "unused" }
            : provider.kind === "vertex"
              ? { type: "google-service-account", project: "switchyard-demo", keyJson: PLACEHOLDER_KEY }
              : { type: "api-key", apiKey: "unused" },
      },
    ]),
  );
}

const DAY_MS = 86_400_000;

/** A service-account key that names no real account: the catalog commands never log in. */
const PLACEHOLDER_KEY = JSON.stringify({
  type: "service_account",
  client_email: "placeholder@switchyard-demo.iam.gserviceaccount.com",
  private_key: "unused",
});

export function demoConfigDocument(
  upstreams: DemoUpstreams,
  demoKey: string,
  port: number,
  now: number = Date.now(),
): unknown {
  const providers: Record<string, unknown> = {};
  for (const provider of DEMO_PROVIDERS) {
    const upstream = upstreams.get(provider.name);
    if (upstream === undefined) throw new Error(`no upstream for the demo provider ${provider.name}`);
    providers[provider.name] = providerDocument(provider, upstream);
  }
  const novaRelease = isoDate(now - 10 * DAY_MS);
  // AWS cut its gpt-oss-120b price a week ago: rows before and after carry different prices.
  const priceCut = isoDate(now - 7 * DAY_MS);
  return {
    server: { host: "127.0.0.1", port },
    keys: [
      { name: "demo", key: demoKey, tenant: "demo", admin: true },
      { name: "demo-eu", key: `${demoKey}-eu`, tenant: "eu-only" },
    ],
    tenants: {
      demo: { policy: { strategy: "preferred" } },
      "eu-only": { policy: { strategy: "preferred", regions: { allow: ["eu"] } } },
    },
    providers,
    models: {
      "gpt-4o-mini": {
        vendor: "openai",
        release_date: "2024-07-18",
        capabilities: ["chat", "tools", "vision", "json"],
        context_window: 128_000,
      },
      "gpt-nova": {
        vendor: "openai",
        release_date: novaRelease,
        capabilities: ["chat", "tools", "json"],
        context_window: 200_000,
      },
      "gpt-oss-120b": {
        vendor: "openai",
        release_date: "2025-08-05",
        capabilities: ["chat", "tools", "json"],
        context_window: 128_000,
      },
      "claude-sonnet-4-6": {
        vendor: "anthropic",
        release_date: "2026-02-17",
        capabilities: ["chat", "tools", "vision", "json"],
        context_window: 200_000,
      },
      "gemini-2.5-flash": {
        vendor: "google",
        release_date: "2025-06-17",
        capabilities: ["chat", "tools", "vision", "json"],
        context_window: 1_048_576,
      },
      "llama-3.3-70b": {
        vendor: "meta",
        release_date: "2024-12-06",
        capabilities: ["chat", "tools", "json"],
        context_window: 128_000,
      },
      "text-embedding-3-small": {
        vendor: "openai",
        release_date: "2024-01-25",
        capabilities: ["embeddings"],
      },
      "titan-embed-text-v2": { vendor: "amazon", release_date: "2024-04-30", capabilities: ["embeddings"] },
      "cohere-embed-v3": { vendor: "cohere", release_date: "2023-11-02", capabilities: ["embeddings"] },
      "gemini-embedding-001": { vendor: "google", release_date: "2025-07-14", capabilities: ["embeddings"] },
    },
    agreements: [
      {
        vendor: "openai",
        channel: ["azure-eastus", "azure-swedencentral"],
        terms: "exclusive",
        effective_until: "2025-10-28",
        note: "the original exclusive cloud agreement",
      },
      {
        vendor: "openai",
        channel: ["azure-eastus", "azure-swedencentral"],
        terms: "launch-partner",
        window: "P30D",
        effective_from: "2025-10-28",
      },
      {
        vendor: "openai",
        channel: ["azure-eastus", "azure-swedencentral"],
        terms: "preferential",
        effective_from: "2025-10-28",
      },
      {
        vendor: "anthropic",
        channel: ["anthropic", "aws-us-east-1", "gcp-us-central1", "gcp-europe-west4"],
        terms: "open",
      },
    ],
    offerings: [
      offering("gpt-4o-mini", "azure-eastus", { deployment: "gpt-4o-mini" }, [0.15, 0.6, 0.075]),
      offering("gpt-4o-mini", "openai", { native_model: "gpt-4o-mini-2024-07-18" }, [0.15, 0.6, 0.075]),
      offering("gpt-nova", "azure-eastus", { deployment: "gpt-nova" }, [1.25, 10, 0.125]),
      offering("gpt-nova", "azure-swedencentral", { deployment: "gpt-nova" }, [1.375, 11, 0.1375]),
      offering("gpt-nova", "aws-us-east-1", { native_model: "openai.gpt-nova-v1:0" }, [1.1, 9.5]),
      offering("gpt-nova", "gcp-europe-west4", { native_model: "openai/gpt-nova" }, [1.2, 9.8]),
      offering("gpt-oss-120b", "azure-eastus", { deployment: "gpt-oss-120b" }, [0.15, 0.6]),
      offering("gpt-oss-120b", "aws-us-east-1", { native_model: "openai.gpt-oss-120b-1:0" }, [
        { price: [0.15, 0.6] },
        { from: priceCut, price: [0.12, 0.48] },
      ]),
      offering("gpt-oss-120b", "gcp-us-central1", { native_model: "openai/gpt-oss-120b-maas" }, [0.09, 0.36]),
      offering("gpt-oss-120b", "gcp-europe-west4", { native_model: "openai/gpt-oss-120b-maas" }, [0.1, 0.4]),
      offering("claude-sonnet-4-6", "anthropic", { native_model: "claude-sonnet-4-6" }, [3, 15, 0.3, 3.75]),
      offering(
        "claude-sonnet-4-6",
        "aws-us-east-1",
        { native_model: "us.anthropic.claude-sonnet-4-6" },
        [3.3, 16.5, 0.33, 4.125],
      ),
      offering(
        "claude-sonnet-4-6",
        "gcp-us-central1",
        { native_model: "claude-sonnet-4-6" },
        [3, 15, 0.3, 3.75],
      ),
      offering(
        "claude-sonnet-4-6",
        "gcp-europe-west4",
        { native_model: "claude-sonnet-4-6" },
        [3.3, 16.5, 0.33, 4.125],
      ),
      offering("gemini-2.5-flash", "gemini", { native_model: "gemini-2.5-flash" }, [0.3, 2.5, 0.03]),
      offering("gemini-2.5-flash", "gcp-us-central1", { native_model: "gemini-2.5-flash" }, [0.3, 2.5, 0.03]),
      offering(
        "gemini-2.5-flash",
        "gcp-europe-west4",
        { native_model: "gemini-2.5-flash" },
        [0.33, 2.75, 0.033],
      ),
      offering(
        "llama-3.3-70b",
        "llama-host",
        { native_model: "meta-llama/Llama-3.3-70B-Instruct" },
        [0.59, 0.79],
      ),
      offering(
        "llama-3.3-70b",
        "aws-us-east-1",
        { native_model: "us.meta.llama3-3-70b-instruct-v1:0" },
        [0.72, 0.72],
      ),
      offering(
        "llama-3.3-70b",
        "gcp-us-central1",
        { native_model: "meta/llama-3.3-70b-instruct-maas" },
        [0.72, 0.72],
      ),
      offering("text-embedding-3-small", "azure-eastus", { deployment: "text-embedding-3-small" }, [0.02, 0]),
      offering("text-embedding-3-small", "openai", {}, [0.02, 0]),
      offering(
        "titan-embed-text-v2",
        "aws-us-east-1",
        { native_model: "amazon.titan-embed-text-v2:0" },
        [0.02, 0],
      ),
      offering("cohere-embed-v3", "aws-us-east-1", { native_model: "cohere.embed-english-v3" }, [0.1, 0]),
      offering("gemini-embedding-001", "gemini", { native_model: "gemini-embedding-001" }, [0.15, 0]),
      offering(
        "gemini-embedding-001",
        "gcp-europe-west4",
        { native_model: "gemini-embedding-001" },
        [0.15, 0],
      ),
    ],
  };
}

function providerDocument(provider: DemoProvider, upstream: DemoUpstream): Record<string, unknown> {
  const { credentials } = upstream;
  const apiKey = credentials.type === "api-key" ? credentials.apiKey : undefined;
  switch (provider.kind) {
    case "openai":
      return { kind: "openai", region: provider.region, base_url: upstream.baseUrl, api_key: apiKey };
    case "azure":
      return {
        kind: "azure",
        region: provider.region,
        endpoint: upstream.baseUrl,
        api_version: "2024-10-21",
        api_key: apiKey,
      };
    case "openai-compatible":
      return {
        kind: "openai-compatible",
        region: provider.region,
        base_url: upstream.baseUrl,
        api_key: apiKey,
        unsupported_parameters: ["metadata", "service_tier", "store"],
      };
    case "vertex":
      return {
        kind: "vertex",
        region: provider.region,
        endpoint: upstream.baseUrl,
        ...(credentials.type === "google-service-account"
          ? { project: credentials.project, service_account_key: credentials.keyJson }
          : { project: "switchyard-demo", access_token: apiKey }),
      };
    case "gemini":
      return { kind: "gemini", region: provider.region, base_url: upstream.baseUrl, api_key: apiKey };
    case "bedrock":
      return {
        kind: "bedrock",
        region: provider.region,
        endpoint: upstream.baseUrl,
        ...(credentials.type === "aws"
          ? { access_key_id: credentials.accessKeyId, secret_access_key: credentials.secretAccessKey }
          : { api_key: apiKey }),
      };
    case "anthropic":
      return { kind: "anthropic", region: provider.region, base_url: upstream.baseUrl, api_key: apiKey };
  }
}

/** Input, output, cached input (default: input) and cache write (default: input), USD per 1M tokens. */
type DemoPrice = [number, number, number?, number?];

function offering(
  model: string,
  provider: string,
  native: { native_model?: string; deployment?: string },
  price: DemoPrice | { from?: string; price: DemoPrice }[],
): Record<string, unknown> {
  if (isDemoPrice(price)) return { model, provider, ...native, price: priceDocument(price) };
  return {
    model,
    provider,
    ...native,
    prices: price.map((change) => ({
      ...(change.from === undefined ? {} : { from: change.from }),
      ...priceDocument(change.price),
    })),
  };
}

function isDemoPrice(price: DemoPrice | { from?: string; price: DemoPrice }[]): price is DemoPrice {
  return typeof price[0] === "number";
}

function priceDocument([input, output, cachedInput, cacheWrite]: DemoPrice): Record<string, number> {
  return {
    input,
    output,
    ...(cachedInput === undefined ? {} : { cached_input: cachedInput }),
    ...(cacheWrite === undefined ? {} : { cache_write: cacheWrite }),
  };
}

function isoDate(instant: number): string {
  return new Date(instant).toISOString().slice(0, 10);
}
