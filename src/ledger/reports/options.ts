import type { GatewayConfig } from "../../config/types.js";
import { GatewayError } from "../../errors/index.js";

export const reportKinds = ["spend", "providers", "whatif"] as const;
export type ReportKind = (typeof reportKinds)[number];

/** What each report may be grouped by; the first is the default. */
export const groupings = {
  spend: ["tenant", "key", "model", "provider", "region", "day"],
  providers: ["provider", "offering"],
  whatif: ["model"],
} as const satisfies Record<ReportKind, readonly string[]>;

export type Grouping<K extends ReportKind = ReportKind> = (typeof groupings)[K][number];

/** Validated options: `from` inclusive, `to` exclusive, epoch ms; undefined = unbounded. */
export interface ReportOptions {
  readonly from: number | undefined;
  readonly to: number | undefined;
  readonly tenant: string | undefined;
  readonly by: string;
}

/** The options as a person typed them (CLI flags, query parameters). */
export interface RawReportOptions {
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly tenant?: string | undefined;
  readonly by?: string | undefined;
}

const DAY_MS = 86_400_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Checks report options once, for the CLI and the admin route alike: a typed `invalid_request` naming
 * the parameter (`from`, `to`, `by`, `tenant`), which the CLI prints as one line and HTTP answers with
 * a 400. A date alone as `to` covers that whole day (`--from 2026-11-01 --to 2026-11-30` is November).
 */
export function parseReportOptions(
  kind: string,
  raw: RawReportOptions,
  config: Pick<GatewayConfig, "tenants">,
): { kind: ReportKind; options: ReportOptions } {
  if (!isReportKind(kind))
    throw invalid("report", `unknown report "${kind}"; expected one of ${reportKinds.join(", ")}`);
  const from = instant("from", raw.from, false);
  const to = instant("to", raw.to, true);
  if (from !== undefined && to !== undefined && to <= from)
    throw invalid("to", `--to (${raw.to ?? ""}) must be after --from (${raw.from ?? ""})`);
  const tenant = raw.tenant === undefined || raw.tenant === "" ? undefined : raw.tenant;
  if (tenant !== undefined && !config.tenants.has(tenant))
    throw invalid("tenant", `unknown tenant "${tenant}"; known: ${[...config.tenants.keys()].join(", ")}`);
  const allowed: readonly string[] = groupings[kind];
  const by = raw.by === undefined || raw.by === "" ? allowed[0] : raw.by;
  if (by === undefined || !allowed.includes(by))
    throw invalid("by", `unknown --by "${raw.by ?? ""}" for ${kind}; expected one of ${allowed.join(", ")}`);
  return { kind, options: { from, to, tenant, by } };
}

export function isReportKind(value: string): value is ReportKind {
  return (reportKinds as readonly string[]).includes(value);
}

function instant(param: "from" | "to", text: string | undefined, endOfDay: boolean): number | undefined {
  if (text === undefined || text === "") return undefined;
  const date = DATE.exec(text);
  let value = Number.NaN;
  if (date !== null) {
    value = Date.UTC(Number(date[1]), Number(date[2]) - 1, Number(date[3]));
    // Date.UTC rolls 2026-02-30 over into March; a real date survives the round trip.
    if (new Date(value).toISOString().slice(0, 10) !== text) value = Number.NaN;
    else if (endOfDay) value += DAY_MS;
  } else if (DATE_TIME.test(text)) value = Date.parse(text);
  if (Number.isNaN(value))
    throw invalid(param, `--${param} "${text}" is not a date (YYYY-MM-DD) or an ISO-8601 instant`);
  return value;
}

function invalid(param: string, message: string): GatewayError {
  return new GatewayError("invalid_request", message, { param });
}
