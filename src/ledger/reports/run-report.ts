import type { GatewayConfig } from "../../config/types.js";
import type { LedgerRows } from "./ledger-rows.js";
import type { ReportKind, ReportOptions } from "./options.js";
import { providersReport } from "./providers.js";
import type { ReportResult } from "./render.js";
import { spendReport } from "./spend.js";
import { whatIfReport } from "./whatif.js";

/**
 * Runs one report over ledger rows (options from `parseReportOptions`). Pure apart from reading
 * `rows`: the same rows, configuration and options always give the same result.
 */
export function runReport(
  kind: ReportKind,
  rows: LedgerRows,
  config: GatewayConfig,
  options: ReportOptions,
): Promise<ReportResult> {
  switch (kind) {
    case "spend":
      return spendReport(rows, options);
    case "providers":
      return providersReport(rows, options);
    case "whatif":
      return whatIfReport(rows, config, options);
  }
}
