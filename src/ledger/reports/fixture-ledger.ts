import { resolveConfig } from "../../config/load.js";
import type { GatewayConfig } from "../../config/types.js";
import type { LedgerRow } from "../ledger-row.js";

/**
 * A small fixed catalog and ledger for the reports' tests and docs/reports.md. OpenAI is exclusive
 * to Azure until 2026-11-01, then Azure is its launch partner (P10D) and preferential channel;
 * `gpt-y` is released inside the period (2026-11-05); AWS cuts its gpt-x price on 2026-11-20; the
 * Google offering of gpt-x has no tools; the tenant `eu-only` may use EU regions only.
 */
export const fixtureConfig: GatewayConfig = resolveConfig(
  {
    keys: [
      { name: "team-key", key: "sk-fixture-team", tenant: "default" },
      { name: "eu-key", key: "sk-fixture-eu", tenant: "eu-only" },
    ],
    tenants: { "eu-only": { policy: { regions: { allow: ["eu"] } } } },
    providers: {
      azure: {
        kind: "openai-compatible",
        base_url: "http://127.0.0.1:1/v1",
        region: "eastus",
        labels: { cloud: "azure" },
      },
      aws: {
        kind: "openai-compatible",
        base_url: "http://127.0.0.1:2/v1",
        region: "us-east-1",
        labels: { cloud: "aws" },
      },
      gcp: {
        kind: "openai-compatible",
        base_url: "http://127.0.0.1:3/v1",
        region: "europe-west4",
        labels: { cloud: "gcp" },
      },
    },
    models: {
      "gpt-x": { vendor: "openai", release_date: "2026-10-01", capabilities: ["chat", "tools"] },
      "gpt-y": { vendor: "openai", release_date: "2026-11-05", capabilities: ["chat", "tools"] },
    },
    agreements: [
      { vendor: "openai", channel: "azure", terms: "exclusive", effective_until: "2026-11-01" },
      {
        vendor: "openai",
        channel: "azure",
        terms: "launch-partner",
        window: "P10D",
        effective_from: "2026-11-01",
      },
      { vendor: "openai", channel: "azure", terms: "preferential", effective_from: "2026-11-01" },
    ],
    offerings: [
      { model: "gpt-x", provider: "azure", price: { input: 2, output: 8 } },
      {
        model: "gpt-x",
        provider: "aws",
        prices: [
          { input: 1, output: 6 },
          { from: "2026-11-20", input: 0.8, output: 5 },
        ],
      },
      { model: "gpt-x", provider: "gcp", price: { input: 1.5, output: 6 }, capabilities: ["chat"] },
      { model: "gpt-y", provider: "azure", price: { input: 4, output: 16, cached_input: 0.4 } },
      { model: "gpt-y", provider: "aws", price: { input: 3, output: 12, cached_input: 0.3 } },
    ],
  },
  "fixture",
  {},
);

/** A ledger row with the fields a test does not care about filled in. */
export function ledgerRow(
  fields: Partial<LedgerRow> & Pick<LedgerRow, "requestId" | "startedAt">,
): LedgerRow {
  const offering = fields.offering ?? null;
  return {
    tenant: "default",
    keyId: "team-key",
    keyPrefix: "sk-fixt",
    ingress: "openai",
    endpoint: "chat.completions",
    model: offering?.split("@")[0] ?? null,
    stream: false,
    offering,
    provider: offering?.split("@")[1] ?? null,
    region: null,
    routeReason: null,
    attempts: 1,
    failedOver: false,
    attemptsJson:
      offering === null
        ? "[]"
        : JSON.stringify([
            { offering, provider: offering.split("@")[1], status: 200, code: null, latencyMs: 400 },
          ]),
    inputTokens: 0,
    cachedInputTokens: 0,
    cacheWriteInputTokens: 0,
    outputTokens: 0,
    reasoningTokens: 0,
    usageEstimated: false,
    costUsd: null,
    priceInput: null,
    priceOutput: null,
    priceCachedInput: null,
    priceCacheWrite: null,
    latencyMs: 400,
    ttftMs: null,
    outcome: "ok",
    status: 200,
    errorCode: null,
    warnings: "",
    capabilities: null,
    ...fields,
  };
}

const at = (iso: string): number => Date.parse(iso);

/** The fixed ledger; each row's cost is what it was billed at the served offering's price then. */
export const fixtureRows: readonly LedgerRow[] = [
  // gpt-x while Azure is exclusive: 1,000 × $2 + 500 × $8 = $0.006
  ledgerRow({
    requestId: "r1",
    startedAt: at("2026-10-20T10:00:00Z"),
    offering: "gpt-x@azure",
    region: "eastus",
    inputTokens: 1000,
    outputTokens: 500,
    costUsd: 0.006,
  }),
  // gpt-x after the exclusivity: 2,000 × $2 + 1,000 × $8 = $0.012
  ledgerRow({
    requestId: "r2",
    startedAt: at("2026-11-05T10:00:00Z"),
    stream: true,
    latencyMs: 2350,
    ttftMs: 350,
    offering: "gpt-x@azure",
    region: "eastus",
    inputTokens: 2000,
    outputTokens: 1000,
    costUsd: 0.012,
  }),
  // after AWS's price cut: 1,000 × $2 + 1,000 × $8 = $0.010
  ledgerRow({
    requestId: "r3",
    startedAt: at("2026-11-25T10:00:00Z"),
    offering: "gpt-x@azure",
    region: "eastus",
    inputTokens: 1000,
    outputTokens: 1000,
    costUsd: 0.01,
  }),
  // the EU tenant on Google: 1,000 × $1.5 + 100 × $6 = $0.0021
  ledgerRow({
    requestId: "r4",
    startedAt: at("2026-11-25T11:00:00Z"),
    latencyMs: 900,
    tenant: "eu-only",
    keyId: "eu-key",
    offering: "gpt-x@gcp",
    region: "europe-west4",
    inputTokens: 1000,
    outputTokens: 100,
    costUsd: 0.0021,
  }),
  // gpt-y inside its launch window: 2,000 × $4 + 8,000 cached × $0.4 + 200 × $16 = $0.0144
  ledgerRow({
    requestId: "r5",
    startedAt: at("2026-11-10T10:00:00Z"),
    stream: true,
    latencyMs: 1300,
    ttftMs: 500,
    offering: "gpt-y@azure",
    region: "eastus",
    inputTokens: 10000,
    cachedInputTokens: 8000,
    outputTokens: 200,
    costUsd: 0.0144,
  }),
  // gpt-y after its launch window: the same $0.0144
  ledgerRow({
    requestId: "r6",
    startedAt: at("2026-11-20T10:00:00Z"),
    offering: "gpt-y@azure",
    region: "eastus",
    inputTokens: 10000,
    cachedInputTokens: 8000,
    outputTokens: 200,
    costUsd: 0.0144,
  }),
  // a request that failed before any token: nothing to re-price
  ledgerRow({
    requestId: "r7",
    startedAt: at("2026-11-21T10:00:00Z"),
    model: "gpt-x",
    outcome: "error",
    status: 503,
    errorCode: "no_offering_available",
  }),
  // after the period
  ledgerRow({
    requestId: "r8",
    startedAt: at("2026-12-01T00:00:00Z"),
    offering: "gpt-x@azure",
    inputTokens: 1000,
    outputTokens: 1000,
    costUsd: 0.01,
  }),
];
