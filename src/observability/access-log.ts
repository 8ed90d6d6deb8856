import type { Logger } from "pino";
import type { ReportedAttempt, RequestReport } from "../core/request-report.js";

/**
 * What one access-log line carries besides pino's `level`, `time` and `msg`. Names follow the ledger
 * row's, so a line and a row can be read side by side. Never prompt or answer text, never a key: only
 * the key's id and the prefix people see.
 */
export interface AccessLogFields {
  readonly requestId: string;
  readonly tenant: string | undefined;
  readonly keyId: string | undefined;
  readonly keyPrefix: string | undefined;
  readonly ingress: string;
  readonly endpoint: string;
  readonly model: string | undefined;
  readonly stream: boolean;
  readonly offering: string | undefined;
  readonly provider: string | undefined;
  readonly region: string | undefined;
  readonly routeReason: string | undefined;
  /** One `offering status [code] latency` string per attempt, in order. */
  readonly attempts: readonly string[];
  /** The answer came from another offering than the first one tried (as the ledger row's `failedOver`). */
  readonly failedOver: boolean;
  readonly usage: RequestReport["usage"];
  readonly costUsd: number | undefined;
  readonly latencyMs: number;
  readonly ttftMs: number | undefined;
  readonly outcome: string;
  readonly status: number;
  readonly errorCode: string | undefined;
  readonly warnings: readonly string[] | undefined;
}

/**
 * One JSON line per request at `info`, from its report (a diagnostics-channel subscriber). With
 * `log.requests: false`, or a level above `info`, it writes nothing and costs one branch.
 */
export class AccessLog {
  readonly #logger: Logger | undefined;

  constructor(logger: Logger, options: { readonly enabled: boolean }) {
    // The binding is serialised once here, not per line.
    this.#logger = options.enabled ? logger.child({ name: "access" }) : undefined;
  }

  record(report: RequestReport): void {
    const logger = this.#logger;
    if (logger === undefined || !logger.isLevelEnabled("info")) return;
    logger.info(accessLogFields(report), describeReport(report));
  }
}

export function accessLogFields(report: RequestReport): AccessLogFields {
  const { route } = report;
  return {
    requestId: report.requestId,
    tenant: report.tenant,
    keyId: report.keyId,
    keyPrefix: report.keyPrefix,
    ingress: report.ingress,
    endpoint: report.endpoint,
    model: report.model,
    stream: report.stream,
    offering: route?.offering,
    provider: route?.provider,
    region: route?.region,
    routeReason: route?.reason,
    attempts: report.attempts.map(compactAttempt),
    failedOver: route !== undefined && (report.attempts[0]?.offering ?? route.offering) !== route.offering,
    usage: report.usage,
    costUsd: report.cost?.usd,
    latencyMs: roundMs(report.latencyMs),
    ttftMs: report.ttftMs === undefined ? undefined : roundMs(report.ttftMs),
    outcome: report.outcome,
    status: report.status,
    errorCode: report.errorCode,
    warnings: report.warnings.length === 0 ? undefined : report.warnings,
  };
}

/**
 * The line's `msg`: what happened, readable without the fields, e.g.
 * `chat.completions gpt-4o-mini 200 by gpt-4o-mini@openai after failover from gpt-4o-mini@azure-eastus (503) in 812 ms`.
 */
export function describeReport(report: RequestReport): string {
  const { route, attempts } = report;
  let text = report.endpoint;
  if (report.model !== undefined) text += ` ${report.model}`;
  if (report.stream) text += " stream";
  text += ` ${report.status}`;
  if (report.errorCode !== undefined) text += ` ${report.errorCode}`;
  if (route !== undefined) text += ` by ${route.offering}`;

  // With a route, the last attempt is the one that answered; every earlier one failed.
  const failed = route === undefined ? attempts : attempts.slice(0, -1);
  if (failed.length > 0) {
    if (route === undefined) {
      text += ` after ${failed.length} ${failed.length === 1 ? "attempt" : "attempts"}: ${groupByOffering(failed)}`;
    } else if (failed.every((attempt) => attempt.offering === route.offering)) {
      text += ` after ${failed.length} ${failed.length === 1 ? "retry" : "retries"} (${failed.map(resultOf).join(", ")})`;
    } else {
      text += ` after failover from ${groupByOffering(failed)}`;
    }
  }

  if (report.outcome === "stream_error") text += ", the stream then failed";
  else if (report.outcome === "client_gone") text += ", the client went away";
  else if (report.outcome === "shutdown") text += ", cut at shutdown";
  text += ` in ${roundMs(report.latencyMs)} ms`;
  if (report.ttftMs !== undefined) text += ` (first token ${roundMs(report.ttftMs)} ms)`;
  return text;
}

/** `a (503, 503), b (upstream_timeout)`: consecutive attempts of one offering together. */
function groupByOffering(attempts: readonly ReportedAttempt[]): string {
  const groups: { offering: string; results: string[] }[] = [];
  for (const attempt of attempts) {
    const last = groups.at(-1);
    if (last?.offering === attempt.offering) last.results.push(resultOf(attempt));
    else groups.push({ offering: attempt.offering, results: [resultOf(attempt)] });
  }
  return groups.map((group) => `${group.offering} (${group.results.join(", ")})`).join(", ");
}

function resultOf(attempt: ReportedAttempt): string {
  return attempt.status !== undefined ? String(attempt.status) : (attempt.code ?? "failed");
}

function compactAttempt(attempt: ReportedAttempt): string {
  let text = `${attempt.offering} ${attempt.status ?? "-"}`;
  if (attempt.code !== undefined) text += ` ${attempt.code}`;
  return `${text} ${roundMs(attempt.latencyMs)}ms`;
}

/** A tenth of a millisecond is all a reader needs; it keeps lines short. */
function roundMs(milliseconds: number): number {
  return Math.round(milliseconds * 10) / 10;
}
