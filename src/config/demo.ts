/**
 * The built-in demo configuration: the in-process emulated clouds behind one gateway, so that
 * `npm start` on a fresh clone answers at once. It is an ordinary configuration document and
 * goes through the same validation as a file.
 */
export interface DemoUpstreams {
  /** Origin of the OpenAI emulator's API base, e.g. http://127.0.0.1:41000/v1 */
  readonly openaiBaseUrl: string;
  readonly openaiKey: string;
  /** The Azure emulator's resource endpoint. */
  readonly azureEndpoint: string;
  readonly azureKey: string;
  /** The OpenAI-compatible emulator standing in for a self-hosted Llama server. */
  readonly llamaBaseUrl: string;
  readonly llamaKey: string;
}

export function demoConfigDocument(upstreams: DemoUpstreams, demoKey: string, port: number): unknown {
  return {
    server: { host: "127.0.0.1", port },
    keys: [{ name: "demo", key: demoKey, tenant: "demo" }],
    providers: {
      "azure-eastus": {
        kind: "azure",
        region: "eastus",
        endpoint: upstreams.azureEndpoint,
        api_version: "2024-10-21",
        api_key: upstreams.azureKey,
      },
      openai: {
        kind: "openai",
        region: "us",
        base_url: upstreams.openaiBaseUrl,
        api_key: upstreams.openaiKey,
      },
      "llama-host": {
        kind: "openai-compatible",
        region: "eu-west",
        base_url: upstreams.llamaBaseUrl,
        api_key: upstreams.llamaKey,
        unsupported_parameters: ["metadata", "service_tier", "store"],
      },
    },
    models: {
      "gpt-4o-mini": {
        vendor: "openai",
        capabilities: ["chat", "tools", "vision", "json"],
        context_window: 128_000,
      },
      "llama-3.3-70b": { vendor: "meta", capabilities: ["chat", "tools", "json"], context_window: 128_000 },
      "text-embedding-3-small": { vendor: "openai", capabilities: ["embeddings"] },
    },
    offerings: [
      { model: "gpt-4o-mini", provider: "azure-eastus", deployment: "gpt-4o-mini" },
      { model: "gpt-4o-mini", provider: "openai", native_model: "gpt-4o-mini-2024-07-18" },
      { model: "llama-3.3-70b", provider: "llama-host", native_model: "meta-llama/Llama-3.3-70B-Instruct" },
      { model: "text-embedding-3-small", provider: "openai" },
      { model: "text-embedding-3-small", provider: "azure-eastus", deployment: "text-embedding-3-small" },
    ],
  };
}
