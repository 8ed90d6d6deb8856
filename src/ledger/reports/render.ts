import type { ProvidersReport, ScorecardLine } from "./providers.js";
import type { SpendLine, SpendReport } from "./spend.js";
import { count, csvTable, milliseconds, percent, period, textTable, usd, type Column } from "./table.js";
import { ineligibilityReasons } from "./eligibility.js";
import type { WhatIfLine, WhatIfReport } from "./whatif.js";

export type ReportResult = SpendReport | ProvidersReport | WhatIfReport;
export const reportFormats = ["text", "json", "csv"] as const;
export type ReportFormat = (typeof reportFormats)[number];

/** A report as a text table, JSON (the admin route's body) or CSV (one flat table for a spreadsheet). */
export function renderReport(result: ReportResult, format: ReportFormat): string {
  if (format === "json") return `${JSON.stringify(reportJson(result), null, 2)}\n`;
  switch (result.kind) {
    case "spend":
      return format === "csv" ? spendCsv(result) : spendText(result);
    case "providers":
      return format === "csv" ? providersCsv(result) : providersText(result);
    case "whatif":
      return format === "csv" ? whatIfCsv(result) : whatIfText(result);
  }
}

/**
 * The JSON form: instants as ISO strings, money and shares rounded to 1e-9 so float noise
 * (0.30000000000000004) never reaches a client; absent values as null.
 */
export function reportJson(result: ReportResult): unknown {
  const iso = (instant: number | undefined): string | null =>
    instant === undefined ? null : new Date(instant).toISOString();
  return JSON.parse(
    JSON.stringify(
      { ...result, from: iso(result.from), to: iso(result.to), tenant: result.tenant ?? null },
      (_, value: unknown) =>
        typeof value === "number" ? Math.round(value * 1e9) / 1e9 : value === undefined ? null : value,
    ),
  );
}

function heading(title: string, result: ReportResult): string {
  return `${title}, ${period(result.from, result.to)}, ${result.tenant === undefined ? "all tenants" : `tenant ${result.tenant}`}`;
}

const spendColumns = (by: string): Column<SpendLine>[] => [
  { header: by, value: (line) => line.key },
  { header: "requests", value: (line) => count(line.requests), align: "right" },
  { header: "failed", value: (line) => count(line.failed), align: "right" },
  { header: "input", value: (line) => count(line.inputTokens), align: "right" },
  { header: "cached", value: (line) => count(line.cachedInputTokens), align: "right" },
  { header: "cache write", value: (line) => count(line.cacheWriteInputTokens), align: "right" },
  { header: "output", value: (line) => count(line.outputTokens), align: "right" },
  { header: "reasoning", value: (line) => count(line.reasoningTokens), align: "right" },
  { header: "cost", value: (line) => usd(line.costUsd), align: "right" },
  { header: "unpriced", value: (line) => count(line.unpriced), align: "right" },
  { header: "estimated", value: (line) => count(line.estimated), align: "right" },
];

function spendText(result: SpendReport): string {
  const lines = [...result.lines, result.total];
  return `${heading(`Spend by ${result.by}`, result)}\n\n${textTable(spendColumns(result.by), lines)}\n`;
}

function spendCsv(result: SpendReport): string {
  return csvTable(
    [
      result.by,
      "requests",
      "failed",
      "input_tokens",
      "cached_input_tokens",
      "cache_write_input_tokens",
      "output_tokens",
      "reasoning_tokens",
      "cost_usd",
      "unpriced",
      "estimated",
    ],
    result.lines.map((line) => [
      line.key,
      line.requests,
      line.failed,
      line.inputTokens,
      line.cachedInputTokens,
      line.cacheWriteInputTokens,
      line.outputTokens,
      line.reasoningTokens,
      round(line.costUsd),
      line.unpriced,
      line.estimated,
    ]),
  );
}

function providersText(result: ProvidersReport): string {
  const columns: Column<ScorecardLine>[] = [
    { header: result.by, value: (line) => line.key },
    { header: "requests", value: (line) => count(line.requests), align: "right" },
    { header: "served", value: (line) => count(line.served), align: "right" },
    { header: "errors", value: (line) => percent(line.errorRate), align: "right" },
    { header: "attempts/req", value: (line) => line.attemptsPerRequest.toFixed(2), align: "right" },
    { header: "after failover", value: (line) => percent(line.servedAfterFailover), align: "right" },
    { header: "p50", value: (line) => milliseconds(line.latencyP50Ms), align: "right" },
    { header: "p95", value: (line) => milliseconds(line.latencyP95Ms), align: "right" },
    { header: "ttft p50", value: (line) => milliseconds(line.ttftP50Ms), align: "right" },
    { header: "ttft p95", value: (line) => milliseconds(line.ttftP95Ms), align: "right" },
    {
      header: "output tok/s",
      value: (line) =>
        line.outputTokensPerSecond === undefined ? "-" : line.outputTokensPerSecond.toFixed(1),
      align: "right",
    },
  ];
  return `${heading(`Provider scorecard by ${result.by}`, result)}\n\n${textTable(columns, result.lines)}\n`;
}

function providersCsv(result: ProvidersReport): string {
  const optional = (value: number | undefined): string | number => (value === undefined ? "" : round(value));
  return csvTable(
    [
      result.by,
      "requests",
      "served",
      "attempts",
      "error_rate",
      "attempts_per_request",
      "served_after_failover",
      "latency_p50_ms",
      "latency_p95_ms",
      "ttft_p50_ms",
      "ttft_p95_ms",
      "output_tokens_per_second",
    ],
    result.lines.map((line) => [
      line.key,
      line.requests,
      line.served,
      line.attempts,
      round(line.errorRate),
      round(line.attemptsPerRequest),
      round(line.servedAfterFailover),
      optional(line.latencyP50Ms),
      optional(line.latencyP95Ms),
      optional(line.ttftP50Ms),
      optional(line.ttftP95Ms),
      optional(line.outputTokensPerSecond),
    ]),
  );
}

/** `40% (launch-window 3, boundary 1)`: what share could not be served, and why. */
function why(line: WhatIfLine): string {
  const reasons = ineligibilityReasons
    .filter((reason) => line.ineligible[reason] > 0)
    .map((reason) => `${reason} ${line.ineligible[reason]}`);
  return reasons.length === 0 ? "-" : `${percent(line.ineligibleShare)} (${reasons.join(", ")})`;
}

const whatIfColumns = (first: string): Column<WhatIfLine>[] => [
  { header: first, value: (line) => line.key },
  { header: "served", value: (line) => `${count(line.served)} (${usd(line.servedUsd)})`, align: "right" },
  {
    header: "could serve",
    value: (line) => `${count(line.eligible)}/${count(line.requests)}`,
    align: "right",
  },
  { header: "would cost", value: (line) => usd(line.costUsd), align: "right" },
  { header: "paid for those", value: (line) => usd(line.paidUsd), align: "right" },
  { header: "saving", value: (line) => usd(line.savingUsd), align: "right" },
  { header: "saving %", value: (line) => percent(line.savingShare), align: "right" },
  { header: "could not serve (why)", value: why },
];

function whatIfText(result: WhatIfReport): string {
  const out: string[] = [];
  const over = result.paidUsd - result.cheapestUsd;
  out.push(heading("What-if", result));
  out.push(
    "",
    `  ${count(result.requests)} requests cost ${usd(result.paidUsd)}. On the cheapest offering eligible at each request's time: ${usd(result.cheapestUsd)} (${usd(over)} less, ${percent(result.paidUsd === 0 ? undefined : over / result.paidUsd)}).`,
    `  Premium paid for the vendors' preferred channels (launch partner, preferential, exclusive): ${usd(result.preferencePremiumUsd)}.`,
  );
  const skipped = result.skipped;
  if (skipped.noUsage + skipped.noCost + skipped.unknownModel > 0)
    out.push(
      `  Not re-priced: ${skipped.noUsage} without tokens, ${skipped.noCost} without a recorded cost, ${skipped.unknownModel} of a model no longer in the catalog.`,
    );
  out.push("", "Per cloud (each request on that cloud's cheapest offering eligible then):", "");
  out.push(textTable(whatIfColumns("cloud"), result.clouds));
  for (const model of result.models) {
    out.push(
      "",
      `${model.model}: ${count(model.requests)} requests, paid ${usd(model.paidUsd)}, cheapest eligible ${usd(model.cheapestUsd)}; ` +
        `${count(model.preferredRequests)} on a preferred channel (paid ${usd(model.preferredPaidUsd)}, premium ${usd(model.preferencePremiumUsd)})`,
      "",
      textTable(whatIfColumns("offering"), model.offerings),
    );
  }
  const examples = new Map<string, string>();
  for (const line of [...result.models.flatMap((model) => model.offerings)])
    for (const reason of ineligibilityReasons) {
      const example = line.examples[reason];
      if (example !== undefined && !examples.has(reason)) examples.set(reason, `${line.key}: ${example}`);
    }
  if (examples.size > 0) {
    out.push("", "Why, for example:");
    for (const [reason, example] of examples) out.push(`  ${reason.padEnd(13)} ${example}`);
  }
  return `${out.join("\n")}\n`;
}

function whatIfCsv(result: WhatIfReport): string {
  const row = (model: string, line: WhatIfLine): (string | number)[] => [
    model,
    line.key,
    line.cloud,
    line.requests,
    line.served,
    round(line.servedUsd),
    line.eligible,
    round(line.costUsd),
    round(line.paidUsd),
    round(line.savingUsd),
    line.savingShare === undefined ? "" : round(line.savingShare),
    round(line.ineligibleShare),
    ...ineligibilityReasons.map((reason) => line.ineligible[reason]),
  ];
  return csvTable(
    [
      "model",
      "offering",
      "cloud",
      "requests",
      "served",
      "served_usd",
      "eligible",
      "cost_usd",
      "paid_usd",
      "saving_usd",
      "saving_share",
      "ineligible_share",
      ...ineligibilityReasons.map((reason) => `ineligible_${reason.replaceAll("-", "_")}`),
    ],
    [
      ...result.models.flatMap((model) => model.offerings.map((line) => row(model.model, line))),
      ...result.clouds.map((line) => row("(all)", line)),
    ],
  );
}

function round(value: number): number {
  return Math.round(value * 1e9) / 1e9;
}
