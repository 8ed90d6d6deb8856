import { describe, expect, it } from "vitest";
import { HealthTracker } from "../health/tracker.js";
import {
  parsePrometheusText,
  samplesOf,
  sumOf,
  valueOf,
  type Exposition,
} from "../../test/support/prometheus-text.js";
import {
  attempt,
  exhaustedReport,
  failoverReport,
  requestReport,
  unauthenticatedReport,
} from "../../test/support/request-reports.js";
import { GatewayMetrics, type GatewayMetricsOptions, type MetricsCatalog } from "./metrics.js";

const catalog: MetricsCatalog = {
  tenants: ["default", "team-a"],
  models: ["gpt-4o-mini", "llama-4-maverick"],
  providers: [
    { id: "openai", kind: "openai" },
    { id: "azure-eastus", kind: "azure" },
    { id: "aws-us-east-1", kind: "bedrock" },
    { id: "vllm", kind: "openai-compatible" },
  ],
  offerings: [
    { id: "gpt-4o-mini@openai", provider: "openai" },
    { id: "gpt-4o-mini@azure-eastus", provider: "azure-eastus" },
    { id: "llama-4-maverick@aws-us-east-1", provider: "aws-us-east-1" },
    { id: "llama-4-maverick@vllm", provider: "vllm" },
  ],
};

function metrics(options: Partial<GatewayMetricsOptions> = {}): GatewayMetrics {
  return new GatewayMetrics({ catalog, processMetrics: false, ...options });
}

async function scrape(gateway: GatewayMetrics): Promise<Exposition> {
  return parsePrometheusText(await gateway.render());
}

const servedByOpenAI = {
  gen_ai_operation_name: "chat",
  gen_ai_provider_name: "openai",
  gen_ai_request_model: "gpt-4o-mini",
  provider: "openai",
  offering: "gpt-4o-mini@openai",
};

describe("metrics from request reports", () => {
  it("counts one answered request in every family, with the values of its report", async () => {
    const gateway = metrics();
    gateway.observe(requestReport());
    const scraped = await scrape(gateway);

    expect(
      valueOf(scraped, "switchyard_requests_total", {
        endpoint: "chat.completions",
        tenant: "team-a",
        gen_ai_request_model: "gpt-4o-mini",
        provider: "openai",
        offering: "gpt-4o-mini@openai",
        outcome: "ok",
        status_class: "2xx",
      }),
    ).toBe(1);

    const duration = { ...servedByOpenAI, error_type: "" };
    expect(valueOf(scraped, "gen_ai_server_request_duration_seconds_count", duration)).toBe(1);
    expect(valueOf(scraped, "gen_ai_server_request_duration_seconds_sum", duration)).toBeCloseTo(0.3124, 6);
    // 0.3124 s falls in the (0.16, 0.32] bucket.
    expect(
      valueOf(scraped, "gen_ai_server_request_duration_seconds_bucket", { ...duration, le: "0.16" }),
    ).toBe(0);
    expect(
      valueOf(scraped, "gen_ai_server_request_duration_seconds_bucket", { ...duration, le: "0.32" }),
    ).toBe(1);
    expect(
      valueOf(scraped, "gen_ai_server_request_duration_seconds_bucket", { ...duration, le: "+Inf" }),
    ).toBe(1);
    // Not a stream: no time to first token.
    expect(samplesOf(scraped, "gen_ai_server_time_to_first_token_seconds_count")).toEqual([]);

    const input = { ...servedByOpenAI, gen_ai_token_type: "input", gen_ai_token_cache: "none" };
    expect(valueOf(scraped, "gen_ai_client_token_usage_sum", input)).toBe(120);
    expect(valueOf(scraped, "gen_ai_client_token_usage_count", input)).toBe(1);
    expect(valueOf(scraped, "gen_ai_client_token_usage_bucket", { ...input, le: "64" })).toBe(0);
    expect(valueOf(scraped, "gen_ai_client_token_usage_bucket", { ...input, le: "256" })).toBe(1);
    const output = { ...servedByOpenAI, gen_ai_token_type: "output", gen_ai_token_phase: "response" };
    expect(valueOf(scraped, "gen_ai_client_token_usage_sum", output)).toBe(40);

    expect(sumOf(scraped, "switchyard_tokens_total", { tenant: "team-a", gen_ai_token_type: "input" })).toBe(
      120,
    );
    expect(sumOf(scraped, "switchyard_tokens_total", { tenant: "team-a", gen_ai_token_type: "output" })).toBe(
      40,
    );
    expect(
      valueOf(scraped, "switchyard_cost_usd_total", { tenant: "team-a", offering: "gpt-4o-mini@openai" }),
    ).toBe(0.000042);
    expect(
      valueOf(scraped, "switchyard_attempts_total", {
        offering: "gpt-4o-mini@openai",
        status_class: "2xx",
        error_type: "",
      }),
    ).toBe(1);
    expect(samplesOf(scraped, "switchyard_failovers_total")).toEqual([]);
    expect(samplesOf(scraped, "switchyard_usage_estimated_total")).toEqual([]);
  });

  it("tells a failover, a 401 and a 502 after two attempts apart", async () => {
    const gateway = metrics();
    gateway.observe(requestReport());
    gateway.observe(requestReport());
    gateway.observe(failoverReport());
    gateway.observe(unauthenticatedReport());
    gateway.observe(exhaustedReport());
    const scraped = await scrape(gateway);

    expect(sumOf(scraped, "switchyard_requests_total")).toBe(5);
    expect(
      sumOf(scraped, "switchyard_requests_total", { outcome: "ok", offering: "gpt-4o-mini@openai" }),
    ).toBe(3);
    expect(
      valueOf(scraped, "switchyard_requests_total", {
        tenant: "",
        gen_ai_request_model: "",
        offering: "",
        outcome: "error",
        status_class: "4xx",
      }),
    ).toBe(1);
    expect(
      valueOf(scraped, "switchyard_requests_total", { tenant: "team-a", offering: "", status_class: "5xx" }),
    ).toBe(1);

    // Both the failover and the exhausted request moved from Azure to OpenAI once.
    expect(
      valueOf(scraped, "switchyard_failovers_total", {
        gen_ai_request_model: "gpt-4o-mini",
        from_offering: "gpt-4o-mini@azure-eastus",
        to_offering: "gpt-4o-mini@openai",
      }),
    ).toBe(2);
    expect(sumOf(scraped, "switchyard_attempts_total")).toBe(2 + 2 + 2);
    expect(
      valueOf(scraped, "switchyard_attempts_total", {
        offering: "gpt-4o-mini@azure-eastus",
        status_class: "5xx",
        error_type: "upstream_unavailable",
      }),
    ).toBe(2);
    expect(
      valueOf(scraped, "gen_ai_server_request_duration_seconds_count", {
        offering: "",
        error_type: "upstream_server_error",
      }),
    ).toBe(1);
    expect(
      valueOf(scraped, "gen_ai_server_request_duration_seconds_count", {
        offering: "",
        error_type: "invalid_api_key",
      }),
    ).toBe(1);
    expect(sumOf(scraped, "gen_ai_server_request_duration_seconds_count", { error_type: "" })).toBe(3);
  });

  it("splits tokens the way the GenAI conventions do, so no token is counted twice", async () => {
    const gateway = metrics();
    gateway.observe(
      requestReport({
        stream: true,
        ttftMs: 45,
        usage: {
          inputTokens: 1000,
          cachedInputTokens: 600,
          cacheWriteInputTokens: 100,
          outputTokens: 500,
          reasoningTokens: 200,
          estimated: true,
        },
      }),
    );
    const scraped = await scrape(gateway);
    const tokens = (labels: Record<string, string>) => sumOf(scraped, "switchyard_tokens_total", labels);
    expect(tokens({ gen_ai_token_type: "input" })).toBe(1000);
    expect(tokens({ gen_ai_token_cache: "none" })).toBe(300);
    expect(tokens({ gen_ai_token_cache: "read" })).toBe(600);
    expect(tokens({ gen_ai_token_cache: "creation" })).toBe(100);
    expect(tokens({ gen_ai_token_type: "output" })).toBe(500);
    expect(tokens({ gen_ai_token_phase: "response" })).toBe(300);
    expect(tokens({ gen_ai_token_phase: "reasoning" })).toBe(200);
    expect(tokens({})).toBe(1500);
    expect(sumOf(scraped, "gen_ai_client_token_usage_sum")).toBe(1500);
    expect(sumOf(scraped, "gen_ai_client_token_usage_count")).toBe(5);

    expect(valueOf(scraped, "gen_ai_server_time_to_first_token_seconds_sum", servedByOpenAI)).toBeCloseTo(
      0.045,
      9,
    );
    expect(valueOf(scraped, "gen_ai_server_time_to_first_token_seconds_bucket", { le: "0.04" })).toBe(0);
    expect(valueOf(scraped, "gen_ai_server_time_to_first_token_seconds_bucket", { le: "0.06" })).toBe(1);
    expect(valueOf(scraped, "switchyard_usage_estimated_total", { offering: "gpt-4o-mini@openai" })).toBe(1);
  });

  it("counts requests to non-GenAI endpoints, but bills no tokens for counting them", async () => {
    const gateway = metrics();
    gateway.observe(
      requestReport({ endpoint: "messages.count_tokens", ingress: "anthropic", cost: undefined }),
    );
    gateway.observe(unauthenticatedReport({ endpoint: "models", model: undefined }));
    const scraped = await scrape(gateway);
    expect(valueOf(scraped, "switchyard_requests_total", { endpoint: "messages.count_tokens" })).toBe(1);
    expect(valueOf(scraped, "switchyard_requests_total", { endpoint: "models", status_class: "4xx" })).toBe(
      1,
    );
    expect(samplesOf(scraped, "switchyard_tokens_total")).toEqual([]);
    expect(samplesOf(scraped, "gen_ai_client_token_usage_count")).toEqual([]);
    expect(samplesOf(scraped, "gen_ai_server_request_duration_seconds_count")).toEqual([]);
  });

  it("names providers by the conventions' gen_ai.provider.name, and openai-compatible ones by their id", async () => {
    const gateway = metrics();
    const llama = (provider: string) =>
      requestReport({
        model: "llama-4-maverick",
        route: { offering: `llama-4-maverick@${provider}`, provider, region: undefined, reason: "cheapest" },
        attempts: [attempt(`llama-4-maverick@${provider}`, 200, undefined, 100)],
      });
    gateway.observe(llama("aws-us-east-1"));
    gateway.observe(llama("vllm"));
    const scraped = await scrape(gateway);
    const nameOf = (provider: string) =>
      samplesOf(scraped, "gen_ai_server_request_duration_seconds_count", { provider })[0]?.labels[
        "gen_ai_provider_name"
      ];
    expect(nameOf("aws-us-east-1")).toBe("aws.bedrock");
    expect(nameOf("vllm")).toBe("vllm");
  });

  it("keeps label sets bounded: tenants, models and offerings outside the catalog count as other", async () => {
    const gateway = metrics();
    for (let n = 0; n < 500; n++)
      gateway.observe(
        requestReport({
          tenant: `intruder-${n}`,
          model: `made-up-model-${n}`,
          route: {
            offering: `made-up-model-${n}@openai`,
            provider: "openai",
            region: undefined,
            reason: "x",
          },
          attempts: [attempt(`made-up-model-${n}@nowhere-${n}`, 200, `weird_code_${n}`, 5)],
          errorCode: `weird_code_${n}`,
          status: 600 + n,
        }),
      );
    const scraped = await scrape(gateway);
    const requests = samplesOf(scraped, "switchyard_requests_total");
    expect(requests).toHaveLength(1);
    expect(requests[0]?.labels).toMatchObject({
      tenant: "other",
      gen_ai_request_model: "other",
      provider: "openai",
      offering: "other",
      status_class: "other",
    });
    expect(requests[0]?.value).toBe(500);
    expect(samplesOf(scraped, "switchyard_attempts_total")).toHaveLength(1);
    expect(samplesOf(scraped, "switchyard_attempts_total")[0]?.labels).toMatchObject({
      provider: "other",
      offering: "other",
      error_type: "other",
    });
    for (const family of scraped.values())
      for (const sample of family.samples)
        for (const value of Object.values(sample.labels))
          expect(value).not.toMatch(/intruder|made-up|weird|nowhere/);
  });

  it("escapes label values so that any configured name reads back unchanged", async () => {
    const tenant = 'team "quoted" \\ back\nslash';
    const gateway = metrics({ catalog: { ...catalog, tenants: [tenant] } });
    gateway.observe(requestReport({ tenant }));
    const scraped = await scrape(gateway);
    expect(valueOf(scraped, "switchyard_requests_total", { tenant })).toBe(1);
  });

  it("ignores values that would poison a series (NaN, negative), and the scrape still parses", async () => {
    const gateway = metrics();
    gateway.observe(
      requestReport({
        latencyMs: Number.NaN,
        ttftMs: -5,
        usage: {
          inputTokens: -3,
          cachedInputTokens: 0,
          cacheWriteInputTokens: 0,
          outputTokens: Number.POSITIVE_INFINITY,
          reasoningTokens: 0,
          estimated: false,
        },
        cost: { usd: Number.NaN, prices: { input: 0, output: 0, cachedInput: 0, cacheWrite: 0 } },
      }),
    );
    const scraped = await scrape(gateway);
    expect(sumOf(scraped, "switchyard_requests_total")).toBe(1);
    expect(sumOf(scraped, "gen_ai_server_request_duration_seconds_count")).toBe(0);
    expect(sumOf(scraped, "switchyard_tokens_total")).toBe(0);
    expect(samplesOf(scraped, "switchyard_cost_usd_total")).toEqual([]);
  });

  it("reads each offering's breaker state from the health tracker at scrape time", async () => {
    let now = 1_000_000;
    const tracker = new HealthTracker({
      ewmaAlpha: 0.3,
      windowMs: 60_000,
      consecutiveFailures: 2,
      errorRate: 0.5,
      minRequests: 20,
      openMs: 30_000,
    });
    const gateway = metrics({ health: { view: tracker, now: () => now } });
    tracker.record("gpt-4o-mini@azure-eastus", { ok: false }, now);
    tracker.record("gpt-4o-mini@azure-eastus", { ok: false }, now);
    tracker.record("gpt-4o-mini@openai", { ok: true, latencyMs: 100 }, now);

    const state = (scraped: Exposition, offering: string, value: string) =>
      valueOf(scraped, "switchyard_circuit_breaker_state", { offering, state: value });
    let scraped = await scrape(gateway);
    expect(state(scraped, "gpt-4o-mini@azure-eastus", "open")).toBe(1);
    expect(state(scraped, "gpt-4o-mini@azure-eastus", "closed")).toBe(0);
    expect(state(scraped, "gpt-4o-mini@openai", "closed")).toBe(1);
    // Never tried: closed.
    expect(state(scraped, "llama-4-maverick@vllm", "closed")).toBe(1);
    expect(samplesOf(scraped, "switchyard_circuit_breaker_state")).toHaveLength(catalog.offerings.length * 3);

    now += 30_000;
    scraped = await scrape(gateway);
    expect(state(scraped, "gpt-4o-mini@azure-eastus", "half-open")).toBe(1);
    expect(state(scraped, "gpt-4o-mini@azure-eastus", "open")).toBe(0);
  });

  it("reads the ledger's queue depth and dropped rows at scrape time", async () => {
    const ledger = { queueDepth: 12, droppedRows: 0 };
    const gateway = metrics({ ledger });
    let scraped = await scrape(gateway);
    expect(valueOf(scraped, "switchyard_ledger_queue_depth")).toBe(12);
    expect(valueOf(scraped, "switchyard_ledger_dropped_rows_total")).toBe(0);
    ledger.queueDepth = 10_000;
    ledger.droppedRows = 37;
    scraped = await scrape(gateway);
    expect(valueOf(scraped, "switchyard_ledger_queue_depth")).toBe(10_000);
    expect(valueOf(scraped, "switchyard_ledger_dropped_rows_total")).toBe(37);
    expect(scraped.get("switchyard_ledger_dropped_rows_total")?.type).toBe("counter");
  });

  it("adds the process metrics to the same registry, and the whole scrape parses", async () => {
    const gateway = new GatewayMetrics({ catalog });
    gateway.observe(requestReport());
    const scraped = await scrape(gateway);
    expect(scraped.get("process_cpu_user_seconds_total")?.type).toBe("counter");
    expect(scraped.get("nodejs_eventloop_lag_seconds")?.type).toBe("gauge");
    expect(sumOf(scraped, "switchyard_requests_total")).toBe(1);
    expect(gateway.contentType).toBe("text/plain; version=0.0.4; charset=utf-8");
  });
});
