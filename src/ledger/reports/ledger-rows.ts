import type { Endpoint } from "../../core/request-report.js";
import type { LedgerRow } from "../ledger-row.js";
import type { ReportOptions } from "./options.js";

/** Rows as a store yields them, or as a test lists them. */
export type LedgerRows = Iterable<LedgerRow> | AsyncIterable<LedgerRow>;

/** Endpoints that reach a model; health checks, listings and admin calls are not traffic. */
const TRAFFIC: ReadonlySet<Endpoint> = new Set(["chat.completions", "embeddings", "messages"]);

/**
 * The rows a report reads: model traffic inside the options' period and tenant. A store already
 * filters by period and tenant; filtering again keeps every report a pure function of any rows.
 */
export async function* selectRows(rows: LedgerRows, options: ReportOptions): AsyncGenerator<LedgerRow> {
  for await (const row of rows) {
    if (!TRAFFIC.has(row.endpoint)) continue;
    if (options.from !== undefined && row.startedAt < options.from) continue;
    if (options.to !== undefined && row.startedAt >= options.to) continue;
    if (options.tenant !== undefined && row.tenant !== options.tenant) continue;
    yield row;
  }
}

export interface LedgerAttempt {
  readonly offering: string;
  readonly provider: string;
  readonly status: number | undefined;
  readonly code: string | undefined;
  readonly latencyMs: number;
}

/** The row's attempts; a column that is not the JSON the writer stores reads as none, not a crash. */
export function attemptsOf(row: LedgerRow): LedgerAttempt[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(row.attemptsJson);
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  const attempts: LedgerAttempt[] = [];
  for (const item of parsed as unknown[]) {
    if (item === null || typeof item !== "object") continue;
    const record = item as Record<string, unknown>;
    if (typeof record["offering"] !== "string" || typeof record["provider"] !== "string") continue;
    attempts.push({
      offering: record["offering"],
      provider: record["provider"],
      status: typeof record["status"] === "number" ? record["status"] : undefined,
      code: typeof record["code"] === "string" ? record["code"] : undefined,
      latencyMs: typeof record["latencyMs"] === "number" ? record["latencyMs"] : 0,
    });
  }
  return attempts;
}

/** The value at quantile `q` (0..1) of sorted numbers, nearest rank; undefined when empty. */
export function quantile(sorted: readonly number[], q: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1];
}

/** Where a group key is null (an unauthenticated request has no tenant). */
export const NONE = "(none)";
