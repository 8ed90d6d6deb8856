import { errorCodes, isErrorCode } from "../../errors/index.js";
import type { LedgerRow } from "../ledger-row.js";
import { attemptsOf, quantile, selectRows, type LedgerAttempt, type LedgerRows } from "./ledger-rows.js";
import type { ReportOptions } from "./options.js";

export interface ScorecardLine {
  /** The provider, or the offering (`model@provider`) with `by: offering`. */
  readonly key: string;
  /** Requests that tried it at least once. */
  readonly requests: number;
  /** Requests it answered. */
  readonly served: number;
  readonly attempts: number;
  /** Failed attempts over attempts; the client's own errors and departures do not count. */
  readonly errorRate: number;
  /** Attempts over requests that tried it: above 1 means retries in place. */
  readonly attemptsPerRequest: number;
  /** Of the requests it answered, the share another offering had failed first. */
  readonly servedAfterFailover: number;
  readonly latencyP50Ms: number | undefined;
  readonly latencyP95Ms: number | undefined;
  readonly ttftP50Ms: number | undefined;
  readonly ttftP95Ms: number | undefined;
  /** Output tokens over generation time (streams: after the first token). */
  readonly outputTokensPerSecond: number | undefined;
}

export interface ProvidersReport {
  readonly kind: "providers";
  readonly by: string;
  readonly from: number | undefined;
  readonly to: number | undefined;
  readonly tenant: string | undefined;
  /** Most requests first. */
  readonly lines: readonly ScorecardLine[];
}

interface Tally {
  requests: number;
  served: number;
  attempts: number;
  failures: number;
  afterFailover: number;
  latencies: number[];
  ttfts: number[];
  outputTokens: number;
  generationMs: number;
}

/**
 * The provider scorecard. Attempts come from each row's attempt list, so a provider that failed
 * before another answered is charged with its failure. Latency, TTFT and speed are measured on
 * the requests it answered without a failover before it, so another cloud's failures (and the
 * time they took) never count against it.
 */
export async function providersReport(rows: LedgerRows, options: ReportOptions): Promise<ProvidersReport> {
  const tallies = new Map<string, Tally>();
  const keyOf = (item: { offering: string; provider: string }): string =>
    options.by === "offering" ? item.offering : item.provider;
  const tally = (key: string): Tally => {
    let found = tallies.get(key);
    if (found === undefined)
      tallies.set(
        key,
        (found = {
          requests: 0,
          served: 0,
          attempts: 0,
          failures: 0,
          afterFailover: 0,
          latencies: [],
          ttfts: [],
          outputTokens: 0,
          generationMs: 0,
        }),
      );
    return found;
  };
  for await (const row of selectRows(rows, options)) {
    const attempts = attemptsOf(row);
    const touched = new Set<string>();
    for (const attempt of attempts) {
      const entry = tally(keyOf(attempt));
      entry.attempts += 1;
      if (isProviderFailure(attempt)) entry.failures += 1;
      touched.add(keyOf(attempt));
    }
    for (const key of touched) tally(key).requests += 1;
    if (row.offering !== null && row.provider !== null) served(tally, keyOf, row, touched);
  }
  const lines = [...tallies.entries()].map(([key, entry]) => line(key, entry));
  lines.sort((a, b) => b.requests - a.requests || a.key.localeCompare(b.key));
  return {
    kind: "providers",
    by: options.by,
    from: options.from,
    to: options.to,
    tenant: options.tenant,
    lines,
  };
}

function served(
  tally: (key: string) => Tally,
  keyOf: (item: { offering: string; provider: string }) => string,
  row: LedgerRow,
  touched: Set<string>,
): void {
  if (row.offering === null || row.provider === null) return;
  const key = keyOf({ offering: row.offering, provider: row.provider });
  const entry = tally(key);
  // A row without an attempt list still names who served it.
  if (!touched.has(key)) entry.requests += 1;
  if (row.outcome === "error") return;
  entry.served += 1;
  if (row.failedOver) {
    entry.afterFailover += 1;
    return;
  }
  if (row.outcome !== "ok") return;
  entry.latencies.push(row.latencyMs);
  if (row.stream && row.ttftMs !== null) entry.ttfts.push(row.ttftMs);
  const generation = row.latencyMs - (row.stream ? (row.ttftMs ?? 0) : 0);
  if (row.outputTokens > 0 && generation > 0) {
    entry.outputTokens += row.outputTokens;
    entry.generationMs += generation;
  }
}

/** A failure of the cloud: one the executor would retry or move on from, not the client's own 400. */
function isProviderFailure(attempt: LedgerAttempt): boolean {
  if (attempt.code === undefined) return false;
  return isErrorCode(attempt.code) && errorCodes[attempt.code].failover !== "stop";
}

function line(key: string, entry: Tally): ScorecardLine {
  const latencies = [...entry.latencies].sort((a, b) => a - b);
  const ttfts = [...entry.ttfts].sort((a, b) => a - b);
  return {
    key,
    requests: entry.requests,
    served: entry.served,
    attempts: entry.attempts,
    errorRate: entry.attempts === 0 ? 0 : entry.failures / entry.attempts,
    attemptsPerRequest: entry.requests === 0 ? 0 : entry.attempts / entry.requests,
    servedAfterFailover: entry.served === 0 ? 0 : entry.afterFailover / entry.served,
    latencyP50Ms: quantile(latencies, 0.5),
    latencyP95Ms: quantile(latencies, 0.95),
    ttftP50Ms: quantile(ttfts, 0.5),
    ttftP95Ms: quantile(ttfts, 0.95),
    outputTokensPerSecond:
      entry.generationMs === 0 ? undefined : entry.outputTokens / (entry.generationMs / 1000),
  };
}
