/**
 * The request report: what the gateway knows about one request once it has ended, in any way.
 * Exactly one is published per request (see `gateway/finish.ts`); the ledger, the access log, metrics
 * and budget settlement subscribe to it. It never carries prompt or answer content, nor any secret.
 */
export interface RequestReport {
  readonly requestId: string;
  /** Epoch milliseconds when the request arrived. */
  readonly startedAt: number;
  /** The key's tenant; undefined when the request was not authenticated. */
  readonly tenant: string | undefined;
  /** The key's stable id (its configured name), never the key itself. */
  readonly keyId: string | undefined;
  /** The first characters of the key as shown to people (`sy-demo-…`), when known. */
  readonly keyPrefix: string | undefined;
  /** The client's dialect: which envelope its answers and errors used. */
  readonly ingress: IngressFormat;
  readonly endpoint: Endpoint;
  /** The model the client asked for, once the body was read. */
  readonly model: string | undefined;
  readonly stream: boolean;
  /** The offering that answered (or, for a stream cut later, the one that started answering). */
  readonly route: ReportedRoute | undefined;
  /** Every attempt in order, failed ones included. */
  readonly attempts: readonly ReportedAttempt[];
  readonly usage: ReportedUsage | undefined;
  /** USD, from the route's price in force at `startedAt`; undefined without usage or without a price. */
  readonly cost: ReportedCost | undefined;
  /** From arrival to the last byte (or the end of the connection). */
  readonly latencyMs: number;
  /** Streams: from arrival to the first content byte sent to the client. */
  readonly ttftMs: number | undefined;
  readonly outcome: RequestOutcome;
  /** The HTTP status sent (or that would have been sent, when the client left first). */
  readonly status: number;
  /** The error code, when the request failed (before or after the first byte). */
  readonly errorCode: string | undefined;
  /** `code=param` of each warning the client was told about. */
  readonly warnings: readonly string[];
  /** What the request needed from its offering (`chat`, `tools`, `vision`, `json`, `embeddings`), once resolved. */
  readonly capabilities: readonly string[] | undefined;
}

export type IngressFormat = "openai" | "anthropic" | "azure";

export type Endpoint =
  | "chat.completions"
  | "embeddings"
  | "messages"
  | "messages.count_tokens"
  | "responses"
  | "models"
  | "admin"
  | "health"
  | "metrics"
  | "other";

/**
 * - `ok`: answered in full.
 * - `error`: answered with an error status (no stream opened).
 * - `stream_error`: a stream opened and then ended with an in-stream error event.
 * - `client_gone`: the client closed the connection before the answer was complete.
 * - `shutdown`: the gateway cut the connection when its shutdown grace ran out.
 */
export type RequestOutcome = "ok" | "error" | "stream_error" | "client_gone" | "shutdown";

export interface ReportedRoute {
  readonly offering: string;
  readonly provider: string;
  readonly region: string | undefined;
  /** The planner's reason for this candidate (`preferred: launch partner of openai`). */
  readonly reason: string;
}

export interface ReportedAttempt {
  readonly offering: string;
  readonly provider: string;
  readonly status: number | undefined;
  readonly code: string | undefined;
  readonly latencyMs: number;
}

/**
 * Token counts as billed. `inputTokens` includes cache reads and writes; `outputTokens` includes
 * reasoning. `estimated` is true when the provider did not report usage and the gateway counted.
 */
export interface ReportedUsage {
  readonly inputTokens: number;
  readonly cachedInputTokens: number;
  readonly cacheWriteInputTokens: number;
  readonly outputTokens: number;
  readonly reasoningTokens: number;
  readonly estimated: boolean;
}

/** The cost of one request and the prices (USD per 1M tokens) it was computed with. */
export interface ReportedCost {
  readonly usd: number;
  readonly prices: {
    readonly input: number;
    readonly output: number;
    readonly cachedInput: number;
    readonly cacheWrite: number;
  };
}
