import { channel } from "node:diagnostics_channel";
import type { ServerResponse } from "node:http";
import type { ReportedCost, ReportedUsage, RequestOutcome, RequestReport } from "../core/request-report.js";
import type { Usage } from "../core/usage.js";
import type { AttemptRecord } from "../engine/executor.js";
import { costOf, priceAt } from "../catalog/pricing.js";
import { countPromptTokens, tokenizerReady } from "../routing/prompt-tokens.js";
import type { RequestTrace } from "./request-trace.js";

/**
 * The finish point's public channel: every request report is also published here, for observers
 * outside the gateway's own wiring (tests, diagnostics tools), at no cost when nobody listens.
 */
export const requestChannel = channel("switchyard:request");

export type ReportListener = (report: RequestReport) => void;

/** Subscribes to every request report of every gateway in this process; returns the unsubscribe function. */
export function subscribeReports(listener: ReportListener, onError: (error: unknown) => void): () => void {
  const guarded = (message: unknown): void => {
    try {
      listener(message as RequestReport);
    } catch (error) {
      onError(error);
    }
  };
  requestChannel.subscribe(guarded);
  return () => requestChannel.unsubscribe(guarded);
}

/**
 * One gateway's report subscribers: the ledger, the access log, metrics (and budget settlement). They
 * run synchronously inside `publish`, so each must only queue or count; one that throws is reported to
 * `onError` and never reaches the request. Kept per gateway, not on the process-wide channel, so two
 * gateways in one process (tests) never record each other's requests.
 */
export class ReportBus {
  readonly #listeners: ReportListener[] = [];
  readonly #onError: (error: unknown) => void;

  constructor(onError: (error: unknown) => void) {
    this.#onError = onError;
  }

  subscribe(listener: ReportListener): void {
    this.#listeners.push(listener);
  }

  /** Whether building a report is worth it: someone listens. */
  get wanted(): boolean {
    return this.#listeners.length > 0 || requestChannel.hasSubscribers;
  }

  publish(report: RequestReport): void {
    for (const listener of this.#listeners) {
      try {
        listener(report);
      } catch (error) {
        this.#onError(error);
      }
    }
    if (requestChannel.hasSubscribers) requestChannel.publish(report);
  }
}

/** Status reported for a client that left before any status was sent (nginx's convention). */
const CLIENT_CLOSED_REQUEST = 499;

/**
 * Builds the request's report from its trace and what the response became, and publishes it on the
 * gateway's bus.
 * Called exactly once per request, from the response's `close` event (which fires whether the
 * answer was complete or the connection went away).
 */
export function finishRequest(
  bus: ReportBus,
  trace: RequestTrace,
  attempts: readonly AttemptRecord[],
  response: ServerResponse,
  nowMono: number,
): void {
  if (bus.wanted) bus.publish(buildReport(trace, attempts, response, nowMono));
}

export function buildReport(
  trace: RequestTrace,
  attempts: readonly AttemptRecord[],
  response: Pick<ServerResponse, "writableFinished" | "headersSent" | "statusCode">,
  nowMono: number,
): RequestReport {
  const outcome = outcomeOf(trace, response);
  const route = trace.route;
  const usage = reportedUsage(trace);
  const offering = route?.candidate.offering;
  return {
    requestId: trace.requestId,
    startedAt: trace.startedAt,
    tenant: trace.key?.tenant,
    keyId: trace.key?.id,
    keyPrefix: trace.key?.prefix,
    ingress: trace.ingress,
    endpoint: trace.endpoint,
    model: trace.model,
    stream: trace.stream,
    route:
      route === undefined
        ? undefined
        : {
            offering: route.candidate.offering.id,
            provider: route.candidate.provider.id,
            region: route.candidate.offering.region,
            reason: route.candidate.reason,
          },
    // The attempt records already have the report's shape, and nothing adds to them once the request ended.
    attempts,
    usage,
    cost:
      offering === undefined || usage === undefined ? undefined : costFor(offering, usage, trace.startedAt),
    latencyMs: nowMono - trace.startedMono,
    ttftMs: trace.ttftMs,
    outcome,
    status: response.headersSent ? response.statusCode : CLIENT_CLOSED_REQUEST,
    errorCode: trace.error?.code,
    warnings: route === undefined ? [] : route.warnings.map((warning) => `${warning.code}=${warning.param}`),
    capabilities: trace.capabilities,
  };
}

function outcomeOf(
  trace: RequestTrace,
  response: Pick<ServerResponse, "writableFinished" | "statusCode">,
): RequestOutcome {
  if (trace.cutByShutdown) return "shutdown";
  if (!response.writableFinished) return "client_gone";
  if (trace.streamFailed) return "stream_error";
  return response.statusCode >= 400 ? "error" : "ok";
}

/**
 * Usage as the provider reported it; when it reported none but an offering answered (a stream cut
 * early, a provider without usage), the gateway's own count, marked as estimated — never a silent zero.
 */
function reportedUsage(trace: RequestTrace): ReportedUsage | undefined {
  const usage = trace.usage;
  if (usage !== undefined) return fromUsage(usage);
  if (trace.route === undefined || trace.chat === undefined) return undefined;
  return {
    inputTokens: estimateInputTokens(trace),
    cachedInputTokens: 0,
    cacheWriteInputTokens: 0,
    outputTokens: Math.ceil(trace.outputChars / CHARS_PER_TOKEN),
    reasoningTokens: 0,
    estimated: true,
  };
}

function fromUsage(usage: Usage): ReportedUsage {
  return {
    inputTokens: usage.inputTokens,
    cachedInputTokens: usage.cachedInputTokens ?? 0,
    cacheWriteInputTokens: usage.cacheWriteInputTokens ?? 0,
    outputTokens: usage.outputTokens,
    reasoningTokens: usage.reasoningTokens ?? 0,
    estimated: false,
  };
}

/** English text runs about four characters a token in OpenAI's tokenizers: the fallback estimate. */
const CHARS_PER_TOKEN = 4;

function estimateInputTokens(trace: RequestTrace): number {
  const chat = trace.chat;
  if (chat === undefined) return 0;
  if (tokenizerReady()) return countPromptTokens(chat);
  let characters = 0;
  for (const message of chat.messages) {
    if (typeof message.content === "string") characters += message.content.length;
    else for (const part of message.content) if (part.type === "text") characters += part.text.length;
  }
  return Math.ceil(characters / CHARS_PER_TOKEN);
}

function costFor(
  offering: Parameters<typeof priceAt>[0],
  usage: ReportedUsage,
  at: number,
): ReportedCost | undefined {
  const price = priceAt(offering, at);
  if (price === undefined) return undefined;
  const { input, output, cachedInput, cacheWrite } = price;
  return { usd: costOf(usage, price), prices: { input, output, cachedInput, cacheWrite } };
}
