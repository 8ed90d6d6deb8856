import { collectDefaultMetrics, Counter, Gauge, Registry } from "prom-client";
import type { GatewayConfig, ProviderKind } from "../config/types.js";
import type { Endpoint, RequestReport } from "../core/request-report.js";
import type { HealthView } from "../health/health-view.js";
import { errorCodes } from "../errors/codes.js";
import { LabelIndex } from "./label-index.js";
import { type CounterCell, CounterFamily, type HistogramCell, HistogramFamily } from "./metric-families.js";

/** What the metrics may name: label values outside it are counted as `other`, so series stay bounded. */
export interface MetricsCatalog {
  readonly tenants: readonly string[];
  readonly models: readonly string[];
  readonly providers: readonly { readonly id: string; readonly kind: ProviderKind }[];
  readonly offerings: readonly { readonly id: string; readonly provider: string }[];
}

export function metricsCatalogOf(
  config: Pick<GatewayConfig, "tenants" | "models" | "providers" | "offerings">,
): MetricsCatalog {
  return {
    tenants: [...config.tenants.keys()],
    models: [...config.models.keys()],
    providers: [...config.providers.values()].map(({ id, kind }) => ({ id, kind })),
    offerings: config.offerings.map(({ id, provider }) => ({ id, provider })),
  };
}

/** The ledger writer's two numbers, read at scrape time (its getters fit as they are). */
export interface LedgerGauges {
  readonly queueDepth: number;
  readonly droppedRows: number;
}

export interface GatewayMetricsOptions {
  readonly catalog: MetricsCatalog;
  /** Breaker state per offering, read at scrape time. */
  readonly health?: { readonly view: HealthView; readonly now: () => number } | undefined;
  readonly ledger?: LedgerGauges | undefined;
  /** prom-client's process and Node.js metrics on the same registry (default true). */
  readonly processMetrics?: boolean | undefined;
}

/** Label values for "not known for this request" (unauthenticated, not routed) and "not in the catalog". */
const NONE = "";
const OTHER = "other";

/** The OpenTelemetry GenAI conventions' bucket boundaries for each histogram. */
const durationBuckets = [
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
];
const ttftBuckets = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
const tokenBuckets = [
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
];

/** `gen_ai.operation.name` per endpoint; endpoints without one are not GenAI operations. */
const operations: Partial<Record<Endpoint, string>> = {
  "chat.completions": "chat",
  messages: "chat",
  embeddings: "embeddings",
};

/** `gen_ai.provider.name` per provider kind; an openai-compatible server is named by its provider id. */
const conventionProviderNames: Partial<Record<ProviderKind, string>> = {
  openai: "openai",
  azure: "azure.ai.openai",
  bedrock: "aws.bedrock",
  vertex: "gcp.vertex_ai",
  gemini: "gcp.gemini",
  anthropic: "anthropic",
};

const outcomes = new Set<string>(["ok", "error", "stream_error", "client_gone", "shutdown"]);
const endpoints = new Set<string>([
  "chat.completions",
  "embeddings",
  "messages",
  "messages.count_tokens",
  "models",
  "admin",
  "health",
  "other",
]);

/**
 * The token kinds, as the GenAI conventions split them: `gen_ai.token.type` input|output, with
 * `gen_ai.token.cache` (none|read|creation) on input and `gen_ai.token.phase` (response|reasoning) on
 * output. The parts add up to the billed totals, so summing over any label never counts a token twice.
 */
const tokenKinds = [
  ["input", "none", NONE],
  ["input", "read", NONE],
  ["input", "creation", NONE],
  ["output", NONE, "response"],
  ["output", NONE, "reasoning"],
] as const;

/** The series one kind of request lands in, found once per label combination. */
interface RequestSeries {
  readonly labels: {
    readonly endpoint: string;
    readonly tenant: string;
    readonly model: string;
    readonly provider: string;
    readonly providerName: string;
    readonly offering: string;
    readonly operation: string | undefined;
    readonly errorType: string;
  };
  readonly requests: CounterCell;
  duration: HistogramCell | undefined;
  ttft: HistogramCell | undefined;
  cost: CounterCell | undefined;
  estimated: CounterCell | undefined;
  readonly tokenHistograms: (HistogramCell | undefined)[];
  readonly tokenCounters: (CounterCell | undefined)[];
}

/**
 * Prometheus metrics from request reports, on a registry of their own. `observe(report)` runs on the
 * request's thread (a diagnostics-channel subscriber): one `Map.get` per label and a few additions.
 * Everything else happens when `/metrics` is scraped.
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  readonly contentType: string = Registry.PROMETHEUS_CONTENT_TYPE;

  readonly #tenants: ReadonlySet<string>;
  readonly #models: ReadonlySet<string>;
  readonly #providers: ReadonlySet<string>;
  readonly #offerings: ReadonlySet<string>;
  readonly #providerNames: ReadonlyMap<string, string>;
  readonly #series = new LabelIndex<RequestSeries>();
  readonly #attempts = new LabelIndex<CounterCell>();
  readonly #failovers = new LabelIndex<CounterCell>();

  readonly #requestsTotal = new CounterFamily(
    "switchyard_requests_total",
    "Requests that ended, by how they ended.",
    ["endpoint", "tenant", "gen_ai_request_model", "provider", "offering", "outcome", "status_class"],
  );
  readonly #duration = new HistogramFamily(
    "gen_ai_server_request_duration_seconds",
    "From a GenAI request's arrival to its last byte (or the end of the connection).",
    [
      "gen_ai_operation_name",
      "gen_ai_provider_name",
      "gen_ai_request_model",
      "provider",
      "offering",
      "error_type",
    ],
    durationBuckets,
  );
  readonly #ttft = new HistogramFamily(
    "gen_ai_server_time_to_first_token_seconds",
    "Streams: from the request's arrival to the first content byte sent to the client.",
    ["gen_ai_operation_name", "gen_ai_provider_name", "gen_ai_request_model", "provider", "offering"],
    ttftBuckets,
  );
  readonly #tokenUsage = new HistogramFamily(
    "gen_ai_client_token_usage",
    "Tokens per request as billed, one observation per token kind the request used.",
    [
      "gen_ai_operation_name",
      "gen_ai_provider_name",
      "gen_ai_request_model",
      "provider",
      "offering",
      "gen_ai_token_type",
      "gen_ai_token_cache",
      "gen_ai_token_phase",
    ],
    tokenBuckets,
  );
  readonly #tokensTotal = new CounterFamily(
    "switchyard_tokens_total",
    "Tokens as billed, by tenant and token kind.",
    [
      "tenant",
      "gen_ai_request_model",
      "provider",
      "offering",
      "gen_ai_token_type",
      "gen_ai_token_cache",
      "gen_ai_token_phase",
    ],
  );
  readonly #costTotal = new CounterFamily(
    "switchyard_cost_usd_total",
    "Cost in USD at the offering's price in force at each request's time.",
    ["tenant", "gen_ai_request_model", "provider", "offering"],
  );
  readonly #estimatedTotal = new CounterFamily(
    "switchyard_usage_estimated_total",
    "Requests whose usage the provider did not report (the gateway counted the tokens).",
    ["provider", "offering"],
  );
  readonly #attemptsTotal = new CounterFamily(
    "switchyard_attempts_total",
    "Attempts of an offering inside requests, failed ones included.",
    ["provider", "offering", "status_class", "error_type"],
  );
  readonly #failoversTotal = new CounterFamily(
    "switchyard_failovers_total",
    "Moves from one offering to another inside a request.",
    ["gen_ai_request_model", "from_offering", "to_offering"],
  );
  readonly #families = [
    this.#requestsTotal,
    this.#duration,
    this.#ttft,
    this.#tokenUsage,
    this.#tokensTotal,
    this.#costTotal,
    this.#estimatedTotal,
    this.#attemptsTotal,
    this.#failoversTotal,
  ];

  constructor(options: GatewayMetricsOptions) {
    const { catalog } = options;
    this.#tenants = new Set(catalog.tenants);
    this.#models = new Set(catalog.models);
    this.#providers = new Set(catalog.providers.map((provider) => provider.id));
    this.#offerings = new Set(catalog.offerings.map((offering) => offering.id));
    this.#providerNames = new Map(
      catalog.providers.map(({ id, kind }) => [id, conventionProviderNames[kind] ?? id]),
    );
    if (options.health !== undefined) this.#registerCircuits(catalog, options.health);
    if (options.ledger !== undefined) this.#registerLedger(options.ledger);
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  /** Counts one request report. Never throws: a subscriber's exception would surface as an uncaught one. */
  observe(report: RequestReport): void {
    const series = this.#seriesOf(report);
    series.requests.add(1);
    const { labels } = series;
    if (labels.operation !== undefined) {
      series.duration ??= this.#duration.cell([
        labels.operation,
        labels.providerName,
        labels.model,
        labels.provider,
        labels.offering,
        labels.errorType,
      ]);
      series.duration.observe(report.latencyMs / 1000);
      if (report.ttftMs !== undefined) {
        series.ttft ??= this.#ttft.cell([
          labels.operation,
          labels.providerName,
          labels.model,
          labels.provider,
          labels.offering,
        ]);
        series.ttft.observe(report.ttftMs / 1000);
      }
    }
    const { usage, cost } = report;
    // Only generations and embeddings bill tokens; `messages.count_tokens` only counts them.
    if (usage !== undefined && labels.operation !== undefined) {
      const cached = Math.max(0, usage.cachedInputTokens);
      const written = Math.max(0, usage.cacheWriteInputTokens);
      const reasoning = Math.max(0, usage.reasoningTokens);
      this.#tokens(series, 0, usage.inputTokens - cached - written);
      this.#tokens(series, 1, cached);
      this.#tokens(series, 2, written);
      this.#tokens(series, 3, usage.outputTokens - reasoning);
      this.#tokens(series, 4, reasoning);
      if (usage.estimated) {
        series.estimated ??= this.#estimatedTotal.cell([labels.provider, labels.offering]);
        series.estimated.add(1);
      }
    }
    if (cost !== undefined && cost.usd > 0) {
      series.cost ??= this.#costTotal.cell([labels.tenant, labels.model, labels.provider, labels.offering]);
      series.cost.add(cost.usd);
    }
    this.#countAttempts(report, labels.model);
  }

  /** The whole exposition, in the Prometheus text format (`contentType`). */
  async render(): Promise<string> {
    let text = "";
    for (const family of this.#families) text += `${family.render()}\n`;
    return text + (await this.registry.metrics());
  }

  #seriesOf(report: RequestReport): RequestSeries {
    const endpoint = endpoints.has(report.endpoint) ? report.endpoint : OTHER;
    const tenant = bounded(this.#tenants, report.tenant);
    const model = bounded(this.#models, report.model);
    const provider = bounded(this.#providers, report.route?.provider);
    const offering = bounded(this.#offerings, report.route?.offering);
    const outcome = outcomes.has(report.outcome) ? report.outcome : OTHER;
    const statusClass = statusClassOf(report.status);
    const errorType =
      report.errorCode !== undefined ? errorTypeOf(report.errorCode) : outcome === "ok" ? NONE : outcome;
    return this.#series.get(
      [endpoint, tenant, model, provider, offering, outcome, statusClass, errorType],
      (): RequestSeries => ({
        labels: {
          endpoint,
          tenant,
          model,
          provider,
          providerName: this.#providerNames.get(provider) ?? provider,
          offering,
          operation: operations[report.endpoint],
          errorType,
        },
        requests: this.#requestsTotal.cell([
          endpoint,
          tenant,
          model,
          provider,
          offering,
          outcome,
          statusClass,
        ]),
        duration: undefined,
        ttft: undefined,
        cost: undefined,
        estimated: undefined,
        tokenHistograms: [],
        tokenCounters: [],
      }),
    );
  }

  #tokens(series: RequestSeries, kind: number, count: number): void {
    const { labels } = series;
    if (!(count > 0) || labels.operation === undefined) return;
    let counter = series.tokenCounters[kind];
    if (counter === undefined) {
      const [type, cache, phase] = tokenKinds[kind] ?? tokenKinds[0];
      counter = this.#tokensTotal.cell([
        labels.tenant,
        labels.model,
        labels.provider,
        labels.offering,
        type,
        cache,
        phase,
      ]);
      series.tokenCounters[kind] = counter;
    }
    counter.add(count);
    let histogram = series.tokenHistograms[kind];
    if (histogram === undefined) {
      const [type, cache, phase] = tokenKinds[kind] ?? tokenKinds[0];
      histogram = this.#tokenUsage.cell([
        labels.operation,
        labels.providerName,
        labels.model,
        labels.provider,
        labels.offering,
        type,
        cache,
        phase,
      ]);
      series.tokenHistograms[kind] = histogram;
    }
    histogram.observe(count);
  }

  #countAttempts(report: RequestReport, model: string): void {
    let previous: string | undefined;
    for (const attempt of report.attempts) {
      const provider = bounded(this.#providers, attempt.provider);
      const offering = bounded(this.#offerings, attempt.offering);
      const statusClass = attempt.status === undefined ? NONE : statusClassOf(attempt.status);
      const errorType = attempt.code === undefined ? NONE : errorTypeOf(attempt.code);
      const labels = [provider, offering, statusClass, errorType];
      this.#attempts.get(labels, () => this.#attemptsTotal.cell(labels)).add(1);
      if (previous !== undefined && previous !== offering) {
        const move = [model, previous, offering];
        this.#failovers.get(move, () => this.#failoversTotal.cell(move)).add(1);
      }
      previous = offering;
    }
  }

  #registerCircuits(catalog: MetricsCatalog, health: NonNullable<GatewayMetricsOptions["health"]>): void {
    const states = ["closed", "open", "half-open"] as const;
    new Gauge({
      name: "switchyard_circuit_breaker_state",
      help: "1 for the state each offering's circuit breaker is in, 0 for the others.",
      labelNames: ["provider", "offering", "state"],
      registers: [this.registry],
      collect() {
        const now = health.now();
        for (const { id, provider } of catalog.offerings) {
          const current = health.view.of(id, now)?.state ?? "closed";
          for (const state of states) this.set({ provider, offering: id, state }, state === current ? 1 : 0);
        }
      },
    });
  }

  #registerLedger(ledger: LedgerGauges): void {
    new Gauge({
      name: "switchyard_ledger_queue_depth",
      help: "Ledger rows waiting to be written.",
      registers: [this.registry],
      collect() {
        this.set(countOf(ledger.queueDepth));
      },
    });
    new Counter({
      name: "switchyard_ledger_dropped_rows_total",
      help: "Ledger rows dropped because the queue was full (the database was away too long).",
      registers: [this.registry],
      collect() {
        this.reset();
        this.inc(countOf(ledger.droppedRows));
      },
    });
  }
}

function bounded(known: ReadonlySet<string>, value: string | undefined): string {
  if (value === undefined) return NONE;
  return known.has(value) ? value : OTHER;
}

const statusClasses = ["1xx", "2xx", "3xx", "4xx", "5xx"];

function statusClassOf(status: number): string {
  return statusClasses[Math.floor(status / 100) - 1] ?? OTHER;
}

/** prom-client throws on a negative or non-finite value; a scrape must not fail for that. */
function countOf(value: number): number {
  return Number.isFinite(value) && value > 0 ? value : 0;
}

function errorTypeOf(code: string): string {
  return Object.hasOwn(errorCodes, code) ? code : OTHER;
}
