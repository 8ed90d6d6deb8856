import type { Logger } from "pino";
import { chatCodecs, embeddingsCodecs } from "../codecs/registry.js";
import type { GatewayConfig } from "../config/types.js";
import { Executor } from "../engine/executor.js";
import { UpstreamPools } from "../engine/upstream-pools.js";
import type { Admission } from "../governance/admission.js";
import { Directory } from "../governance/directory.js";
import type { CounterStore } from "../governance/counters.js";
import { Governor } from "../governance/governor.js";
import { MemoryCounters } from "../governance/memory-counters.js";
import { HealthTracker } from "../health/tracker.js";
import { PlanningService } from "../routing/planning-service.js";
import { AffinityTable } from "../routing/affinity.js";
import { loadTokenizer } from "../routing/prompt-tokens.js";
import { createTransport, type Transport } from "../transports/index.js";
import { AccessLog } from "../observability/access-log.js";
import { GatewayMetrics, metricsCatalogOf } from "../observability/metrics.js";
import { LedgerWriter, type LedgerWriterOptions } from "../ledger/ledger-writer.js";
import type { Store } from "../store/index.js";
import { createAuthFailureLog } from "../http/auth-failure-log.js";
import { ReportBus } from "./finish.js";
import { ConsistentResponseStore, MemoryResponseStore, type ResponseStore } from "./response-store.js";

/** Everything the pipeline and the routes need, built once from the frozen configuration. */
export interface GatewayServices {
  readonly config: GatewayConfig;
  readonly logger: Logger;
  /** Keys and tenants: the configuration's and the store's, polled for changes. */
  readonly directory: Directory;
  /** Which offering served each conversation last (cache-aware affinity); undefined when turned off. */
  readonly affinity: AffinityTable | undefined;
  /** Budgets and rate limits, on in-process or Redis counters; the default admission. */
  readonly governor: Governor;
  readonly planner: PlanningService;
  readonly health: HealthTracker;
  readonly executor: Executor;
  readonly pools: UpstreamPools;
  /** The finish point's subscribers: access log and metrics here, the ledger when a store is given. */
  readonly reports: ReportBus;
  readonly metrics: GatewayMetrics;
  /** The store the ledger is written to and the reports read; undefined when there is none (tests). */
  readonly store: Store | undefined;
  /** Writes one ledger row per request, in batches; undefined without a store or with `ledger.enabled: false`. */
  readonly ledger: LedgerWriter | undefined;
  /** The pipeline's admit step: governance (budgets, rate limits) decides here. */
  readonly admission: Admission;
  /** Stored Responses API answers, per tenant, for `previous_response_id` and `GET /v1/responses/{id}`. */
  readonly responses: ResponseStore;
  /** Seconds since the epoch, for response `created` fields. */
  readonly nowSeconds: () => number;
  /** Epoch milliseconds, for request start times. */
  readonly clock: () => number;
  /** Monotonic milliseconds, for durations. */
  readonly now: () => number;
  readonly nextRequestId: () => string;
}

export interface ComposeOptions {
  readonly logger: Logger;
  /** The opened store (the caller opens and closes it): the ledger is written there. */
  readonly store?: Store | undefined;
  /** The ledger writer's bounds and timings, over the configuration's `ledger` section (tests flush sooner). */
  readonly ledger?: Omit<LedgerWriterOptions, "store" | "logger"> | undefined;
  /** Replaces the governor as the admit step (tests). */
  readonly admission?: Admission;
  /** Where rate limits and budget reservations are counted: in process unless given (Redis). */
  readonly counters?: CounterStore | undefined;
  /**
   * Where Responses API answers are kept: by default the store's (shared, durable) when a store is given,
   * else in process, bounded (see `defaultResponseLimits`).
   */
  readonly responseStore?: ResponseStore;
}

/**
 * The in-process response store's bounds until the shared store backs it: the least recently used
 * responses go first once either is reached, so a gateway's memory for conversations stays bounded.
 */
export const defaultResponseLimits = { maxEntries: 10_000, maxBytes: 256 * 1024 * 1024 } as const;

/**
 * The composition root of a serving gateway: every long-lived service is built here, once, from
 * the frozen configuration. The CLI and the tests both come through here (via `startGateway`).
 */
export function composeGateway(config: GatewayConfig, options: ComposeOptions): GatewayServices {
  const logger = options.logger;
  const pools = new UpstreamPools({ connectTimeoutMs: config.upstream.connectTimeoutMs, connections: 128 });
  const transports = new Map<string, Transport>();
  for (const provider of config.providers.values()) transports.set(provider.id, createTransport(provider));
  const health = new HealthTracker(config.health);
  const directory = new Directory({ config, store: options.store?.directory, logger });
  const governor = new Governor({
    counters: options.counters ?? new MemoryCounters(),
    tenants: directory,
    spend: options.store?.ledger,
    logger,
    defaultOutputTokens: config.governance.defaultOutputTokens,
    onFailure: config.redis?.onFailure ?? "open",
  });
  // A tenant that ranks by cost counts every prompt: load the tokenizer now rather than on a request.
  const countsTokens = [...config.tenants.values()].some(
    (tenant) => tenant.policy.strategy === "cheapest" || tenant.policy.strategy === "balanced",
  );
  if (countsTokens) void loadTokenizer();
  const executor = new Executor({
    health,
    pools,
    transports,
    chatCodecs,
    embeddingsCodecs,
    firstByteTimeoutMs: config.upstream.firstByteTimeoutMs,
    idleTimeoutMs: config.upstream.idleTimeoutMs,
    maxResponseBytes: config.upstream.maxResponseBytes,
    maxEventBytes: config.upstream.maxEventBytes,
    onUpstreamAuthFailure: createAuthFailureLog(logger),
    onFirstWarning: (provider, warning) =>
      logger.warn(
        { provider, warning },
        "a provider cannot take a request parameter (sent in x-switchyard-warnings)",
      ),
  });
  const reports = new ReportBus((error) =>
    logger.error({ err: error }, "a request-report subscriber failed (the request was not affected)"),
  );
  const accessLog = new AccessLog(logger, { enabled: config.log.requests });
  // `ledger.enabled: false` (or no store) leaves no writer at all: nothing is queued, converted or written.
  const ledger =
    options.store === undefined || !config.ledger.enabled
      ? undefined
      : new LedgerWriter({
          batchSize: config.ledger.batchRows,
          flushIntervalMs: config.ledger.flushIntervalMs,
          maxQueuedRows: config.ledger.maxQueuedRows,
          ...options.ledger,
          store: options.store.ledger,
          logger,
        });
  const metrics = new GatewayMetrics({
    catalog: metricsCatalogOf(config),
    health: { view: health, now: Date.now },
    ledger,
  });
  // Probes of the gateway's own health and metrics are neither logged, counted nor billed.
  // With `server.metrics: off` nobody can read the counters, so the requests are not counted at all.
  const observesMetrics = config.server.metrics !== "off";
  const admission = options.admission ?? governor;
  reports.subscribe((report) => {
    governor.settle(report);
    if (report.endpoint === "health" || report.endpoint === "metrics") return;
    ledger?.record(report);
    if (observesMetrics) metrics.observe(report);
    accessLog.record(report);
  });
  // Request ids: a random per-process prefix and a counter, unique without a syscall per request.
  const prefix = Math.random().toString(36).slice(2, 10);
  let counter = 0;
  return {
    config,
    logger,
    directory,
    governor,
    affinity: config.affinity.enabled
      ? new AffinityTable({ ttlMs: config.affinity.ttlMs, maxEntries: config.affinity.maxEntries })
      : undefined,
    planner: new PlanningService(config, health, Date.now, Math.random, undefined, directory),
    health,
    executor,
    pools,
    admission,
    reports,
    metrics,
    store: options.store,
    ledger,
    responses: new ConsistentResponseStore(
      options.responseStore ?? options.store?.responses ?? new MemoryResponseStore(defaultResponseLimits),
    ),
    nowSeconds: () => Math.floor(Date.now() / 1000),
    clock: Date.now,
    now: performance.now.bind(performance),
    nextRequestId: () => `req_${prefix}${(++counter).toString(36)}`,
  };
}
