import type { LedgerRow } from "../ledger-row.js";
import { NONE, selectRows, type LedgerRows } from "./ledger-rows.js";
import type { ReportOptions } from "./options.js";

export interface SpendLine {
  /** The group: a tenant, key, model, provider, region or day (`YYYY-MM-DD`, UTC). */
  readonly key: string;
  readonly requests: number;
  /** Requests that did not end `ok`. */
  readonly failed: number;
  readonly inputTokens: number;
  readonly cachedInputTokens: number;
  readonly cacheWriteInputTokens: number;
  readonly outputTokens: number;
  readonly reasoningTokens: number;
  /** USD as recorded on the rows (the prices in force then), never re-priced. */
  readonly costUsd: number;
  /** Requests with tokens but no recorded cost (their offering had no price). */
  readonly unpriced: number;
  /** Requests whose usage the gateway counted because the provider did not report it. */
  readonly estimated: number;
}

export interface SpendReport {
  readonly kind: "spend";
  readonly by: string;
  readonly from: number | undefined;
  readonly to: number | undefined;
  readonly tenant: string | undefined;
  /** Most expensive first; by day, in date order. */
  readonly lines: readonly SpendLine[];
  readonly total: SpendLine;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Spend: recorded cost, requests and tokens per group. */
export async function spendReport(rows: LedgerRows, options: ReportOptions): Promise<SpendReport> {
  const groups = new Map<string, Mutable<SpendLine>>();
  const total = emptyLine("total");
  for await (const row of selectRows(rows, options)) {
    const key = groupKey(row, options.by);
    let line = groups.get(key);
    if (line === undefined) groups.set(key, (line = emptyLine(key)));
    add(line, row);
    add(total, row);
  }
  // Days read as a timeline; every other grouping as a ranking.
  const lines = [...groups.values()].sort((a, b) =>
    options.by === "day" ? a.key.localeCompare(b.key) : b.costUsd - a.costUsd || a.key.localeCompare(b.key),
  );
  return {
    kind: "spend",
    by: options.by,
    from: options.from,
    to: options.to,
    tenant: options.tenant,
    lines,
    total,
  };
}

function groupKey(row: LedgerRow, by: string): string {
  switch (by) {
    case "key":
      return row.keyId ?? NONE;
    case "model":
      return row.model ?? NONE;
    case "provider":
      return row.provider ?? NONE;
    case "region":
      return row.region ?? NONE;
    case "day":
      return new Date(row.startedAt).toISOString().slice(0, 10);
    default:
      return row.tenant ?? NONE;
  }
}

function emptyLine(key: string): Mutable<SpendLine> {
  return {
    key,
    requests: 0,
    failed: 0,
    inputTokens: 0,
    cachedInputTokens: 0,
    cacheWriteInputTokens: 0,
    outputTokens: 0,
    reasoningTokens: 0,
    costUsd: 0,
    unpriced: 0,
    estimated: 0,
  };
}

function add(line: Mutable<SpendLine>, row: LedgerRow): void {
  line.requests += 1;
  if (row.outcome !== "ok") line.failed += 1;
  line.inputTokens += row.inputTokens;
  line.cachedInputTokens += row.cachedInputTokens;
  line.cacheWriteInputTokens += row.cacheWriteInputTokens;
  line.outputTokens += row.outputTokens;
  line.reasoningTokens += row.reasoningTokens;
  if (row.costUsd !== null) line.costUsd += row.costUsd;
  else if (row.inputTokens + row.outputTokens > 0) line.unpriced += 1;
  if (row.usageEstimated) line.estimated += 1;
}
