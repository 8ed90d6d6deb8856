export { runReport } from "./run-report.js";
export { renderReport, reportJson, reportFormats, type ReportFormat, type ReportResult } from "./render.js";
export {
  groupings,
  isReportKind,
  parseReportOptions,
  reportKinds,
  type RawReportOptions,
  type ReportKind,
  type ReportOptions,
} from "./options.js";
export type { LedgerRows } from "./ledger-rows.js";
export type { SpendLine, SpendReport } from "./spend.js";
export type { ProvidersReport, ScorecardLine } from "./providers.js";
export type { WhatIfLine, WhatIfModel, WhatIfReport } from "./whatif.js";
export { ineligibilityReasons, type Ineligibility } from "./eligibility.js";
