import type { Endpoint, IngressFormat, RequestOutcome } from "../core/request-report.js";

/**
 * One ledger entry: the stored form of one request report, flat so both backends keep it in one
 * table and reports can aggregate it in SQL. Prices are the ones the cost was computed with, so a
 * later price change never rewrites history. Times are epoch milliseconds.
 */
export interface LedgerRow {
  readonly requestId: string;
  readonly startedAt: number;
  readonly tenant: string | null;
  readonly keyId: string | null;
  readonly keyPrefix: string | null;
  readonly ingress: IngressFormat;
  readonly endpoint: Endpoint;
  readonly model: string | null;
  readonly stream: boolean;
  readonly offering: string | null;
  readonly provider: string | null;
  readonly region: string | null;
  readonly routeReason: string | null;
  /** How many attempts the request took (failed ones included). */
  readonly attempts: number;
  /** Whether the answer came from another offering than the first one tried. */
  readonly failedOver: boolean;
  /** The attempts as JSON: `[{offering, provider, status, code, latencyMs}]`. */
  readonly attemptsJson: string;
  readonly inputTokens: number;
  readonly cachedInputTokens: number;
  readonly cacheWriteInputTokens: number;
  readonly outputTokens: number;
  readonly reasoningTokens: number;
  /** The provider reported no usage; the gateway counted the tokens itself. */
  readonly usageEstimated: boolean;
  /** Null when the request used no tokens or its offering has no price. */
  readonly costUsd: number | null;
  readonly priceInput: number | null;
  readonly priceOutput: number | null;
  readonly priceCachedInput: number | null;
  readonly priceCacheWrite: number | null;
  readonly latencyMs: number;
  readonly ttftMs: number | null;
  readonly outcome: RequestOutcome;
  readonly status: number;
  readonly errorCode: string | null;
  /** Comma-separated `code=param` warnings. */
  readonly warnings: string;
  /**
   * Comma-separated capabilities the request needed (`chat,tools`, `embeddings`); null when not recorded
   * (rows from before migration 0004).
   */
  readonly capabilities: string | null;
}
