import { symbols, type DestinationStream, type Logger } from "pino";
import type { ReportedAttempt, ReportedUsage, RequestReport } from "../core/request-report.js";
import { LabelIndex } from "./label-index.js";

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

/** pino's own pre-serialised parts of a line, read once from the logger (see `AccessLog`). */
interface PinoInternals {
  readonly [symbols.streamSym]: DestinationStream;
  readonly [symbols.chindingsSym]: string;
  readonly [symbols.timeSym]: () => string;
}

/**
 * One JSON line per request at `info`, from its report (a diagnostics-channel subscriber). With
 * `log.requests: false`, or a level above `info`, it writes nothing and costs one branch.
 *
 * The line is laid out here in one template rather than through `logger.info(fields, msg)`: pino would
 * build the fields object, walk it key by key and escape every string in JavaScript, about 4 µs a line
 * on this machine, for a line whose shape never changes. It stays pino's line: pino's level number, its
 * time function and its child bindings (`"name":"access"`), written to its stream, so it interleaves
 * with the other log lines as before. The gateway's logger has no mixin, formatter, hook or redaction
 * that this would skip; `accessLogFields` is the same line as an object, and the tests hold the two equal.
 */
export class AccessLog {
  readonly #logger: Logger | undefined;
  readonly #stream: DestinationStream | undefined;
  /** `{"level":30` */
  readonly #start: string = "";
  /** The child's bindings, `,"name":"access"`. */
  readonly #bindings: string = "";
  readonly #time: () => string = () => "";
  readonly #fragments = new RouteFragments();

  constructor(logger: Logger, options: { readonly enabled: boolean }) {
    if (!options.enabled) return;
    // The binding is serialised once here, not per line.
    const child = logger.child({ name: "access" });
    const internals = child as unknown as PinoInternals;
    this.#logger = child;
    this.#stream = internals[symbols.streamSym];
    this.#start = `{"level":${child.levels.values["info"] ?? 30}`;
    this.#bindings = internals[symbols.chindingsSym];
    this.#time = internals[symbols.timeSym].bind(child);
  }

  record(report: RequestReport): void {
    const logger = this.#logger;
    if (logger === undefined || !logger.isLevelEnabled("info")) return;
    this.#stream?.write(
      `${this.#start}${this.#time()}${this.#bindings}${fieldsJson(report, this.#fragments)},"msg":${quote(describeReport(report))}}\n`,
    );
  }
}

/** The fields of {@link accessLogFields} as JSON members, in the same order, undefined ones left out. */
function fieldsJson(report: RequestReport, fragments: RouteFragments): string {
  const { route, attempts } = report;
  let json = `,"requestId":${quote(report.requestId)}`;
  if (route === undefined) json += keyAndRouteJson(report);
  else json += `${fragments.of(report, route)},"routeReason":${quote(route.reason)}`;
  json += `,"attempts":[`;
  for (let index = 0; index < attempts.length; index++) {
    const attempt = attempts[index];
    if (attempt !== undefined) json += `${index === 0 ? "" : ","}${quote(compactAttempt(attempt))}`;
  }
  json += `],"failedOver":${failedOver(report)}`;
  if (report.usage !== undefined) json += `,"usage":${usageJson(report.usage)}`;
  if (report.cost !== undefined) json += `,"costUsd":${number(report.cost.usd)}`;
  json += `,"latencyMs":${number(roundMs(report.latencyMs))}`;
  if (report.ttftMs !== undefined) json += `,"ttftMs":${number(roundMs(report.ttftMs))}`;
  json += `,"outcome":${quote(report.outcome)},"status":${number(report.status)}`;
  if (report.errorCode !== undefined) json += `,"errorCode":${quote(report.errorCode)}`;
  if (report.warnings.length > 0) json += `,"warnings":${JSON.stringify(report.warnings)}`;
  return json;
}

/**
 * The members from `tenant` to `region`: the same for every request of one key on one route. (The route's
 * reason follows them; it may carry the request's own figures, an estimated price or a latency.)
 */
function keyAndRouteJson(report: RequestReport): string {
  const { route } = report;
  let json = "";
  if (report.tenant !== undefined) json += `,"tenant":${quote(report.tenant)}`;
  if (report.keyId !== undefined) json += `,"keyId":${quote(report.keyId)}`;
  if (report.keyPrefix !== undefined) json += `,"keyPrefix":${quote(report.keyPrefix)}`;
  json += `,"ingress":${quote(report.ingress)},"endpoint":${quote(report.endpoint)}`;
  if (report.model !== undefined) json += `,"model":${quote(report.model)}`;
  json += `,"stream":${report.stream}`;
  if (route !== undefined) {
    json += `,"offering":${quote(route.offering)},"provider":${quote(route.provider)}`;
    if (route.region !== undefined) json += `,"region":${quote(route.region)}`;
  }
  return json;
}

/** Which of tenant, key id, key prefix, model and region a report has, as a label of its own. */
const presence = Array.from({ length: 32 }, (_, mask) => mask.toString(2));
/** Fragments kept at most; past it (a configuration with that many keys × routes) the rest are laid out each time. */
const maxFragments = 4_096;

/**
 * {@link keyAndRouteJson} kept per distinct set of values, found through one `Map` level per value: a
 * dozen lookups instead of a dozen escape checks and concatenations. Only routed requests use it — their
 * model and offering come from the catalog, so the set stays small; a request that was refused may name
 * any model and is laid out each time.
 */
class RouteFragments {
  readonly #index = new LabelIndex<string>();
  #size = 0;

  of(report: RequestReport, route: NonNullable<RequestReport["route"]>): string {
    if (this.#size >= maxFragments) return keyAndRouteJson(report);
    const mask =
      (report.tenant === undefined ? 0 : 1) |
      (report.keyId === undefined ? 0 : 2) |
      (report.keyPrefix === undefined ? 0 : 4) |
      (report.model === undefined ? 0 : 8) |
      (route.region === undefined ? 0 : 16);
    const labels = [
      presence[mask] ?? "",
      report.tenant ?? "",
      report.keyId ?? "",
      report.keyPrefix ?? "",
      report.ingress,
      report.endpoint,
      report.model ?? "",
      report.stream ? "1" : "0",
      route.offering,
      route.provider,
      route.region ?? "",
    ];
    return this.#index.get(labels, () => {
      this.#size += 1;
      return keyAndRouteJson(report);
    });
  }
}

function usageJson(usage: ReportedUsage): string {
  return (
    `{"inputTokens":${number(usage.inputTokens)},"cachedInputTokens":${number(usage.cachedInputTokens)}` +
    `,"cacheWriteInputTokens":${number(usage.cacheWriteInputTokens)},"outputTokens":${number(usage.outputTokens)}` +
    `,"reasoningTokens":${number(usage.reasoningTokens)},"estimated":${usage.estimated}}`
  );
}

/**
 * A JSON string. Nearly every value here (ids, names, codes) needs no escape, and checking for that is
 * cheaper than `JSON.stringify`, which costs about 70 ns even for a short string.
 */
function quote(text: string): string {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    // Control characters, `"` and `\` are escaped; so are surrogates, which may be unpaired.
    if (code < 0x20 || code === 0x22 || code === 0x5c || (code >= 0xd800 && code <= 0xdfff))
      return JSON.stringify(text);
  }
  return `"${text}"`;
}
/** As pino and JSON.stringify write numbers: a non-finite one as null. */
const number = (value: number): string => (Number.isFinite(value) ? String(value) : "null");

function failedOver(report: RequestReport): boolean {
  const { route } = report;
  return route !== undefined && (report.attempts[0]?.offering ?? route.offering) !== route.offering;
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
    failedOver: failedOver(report),
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
