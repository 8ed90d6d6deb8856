import type { Dialect } from "../core/chat-request.js";

/** The resolved, frozen configuration every service reads. Only `load.ts` builds it. */

export type ProviderKind = "openai" | "azure" | "openai-compatible";
export type Capability = "chat" | "tools" | "vision" | "json" | "embeddings";

export interface ProviderConfig {
  readonly id: string;
  readonly kind: ProviderKind;
  readonly region: string | undefined;
  readonly labels: Readonly<Record<string, string>>;
  /** OpenAI-kind and openai-compatible: the base URL with its version segment. Azure: the resource endpoint. */
  readonly baseUrl: string;
  readonly apiKey: string | undefined;
  /** Azure: a Microsoft Entra ID token sent as Bearer. */
  readonly entraToken: string | undefined;
  /** Azure: a dated API version selects the classic deployment route. */
  readonly apiVersion: string | undefined;
  readonly organization: string | undefined;
  readonly project: string | undefined;
  readonly headers: Readonly<Record<string, string>>;
  readonly unsupportedParameters: ReadonlySet<string>;
  readonly maxConnections: number;
}

export interface ModelConfig {
  readonly id: string;
  readonly vendor: string;
  readonly releaseDate: string | undefined;
  readonly capabilities: ReadonlySet<Capability>;
  readonly contextWindow: number | undefined;
}

export interface OfferingConfig {
  /** `model@provider`, unique. */
  readonly id: string;
  readonly model: string;
  readonly provider: string;
  readonly nativeModel: string;
  /** The wire dialect this offering speaks, from its provider's kind (and, on some clouds, the model's vendor). */
  readonly dialect: Dialect;
}

export interface KeyConfig {
  readonly name: string;
  /** Hex SHA-256 of the key; the key itself is never kept. */
  readonly sha256: string;
  readonly tenant: string;
  readonly models: ReadonlySet<string> | undefined;
}

export interface GatewayConfig {
  /** Where the configuration came from: a file path, or `demo`. */
  readonly source: string;
  readonly server: {
    readonly host: string;
    readonly port: number;
    readonly bodyLimitBytes: number;
    readonly shutdownGraceMs: number;
    readonly logLevel: string;
  };
  readonly upstream: {
    readonly connectTimeoutMs: number;
    readonly firstByteTimeoutMs: number;
    readonly idleTimeoutMs: number;
  };
  readonly keys: readonly KeyConfig[];
  readonly providers: ReadonlyMap<string, ProviderConfig>;
  readonly models: ReadonlyMap<string, ModelConfig>;
  /** In configuration order, which is the failover order until the routing planner lands. */
  readonly offerings: readonly OfferingConfig[];
}
