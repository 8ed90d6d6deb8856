import { describe, expect, it } from "vitest";
import { parseInstant } from "./time.js";
import { ConfigError, resolveConfig } from "../config/load.js";
import type { OfferingConfig } from "../config/types.js";
import { costOf, priceAt } from "./pricing.js";

const at = (text: string): number => parseInstant(text) ?? Number.NaN;

function configWith(offering: Record<string, unknown>): { offerings: readonly OfferingConfig[] } {
  return resolveConfig(
    {
      keys: [{ name: "k", key: "sk-pricing-test" }],
      providers: { p: { kind: "openai-compatible", base_url: "http://127.0.0.1:1/v1" } },
      models: { m: { vendor: "v", capabilities: ["chat"] } },
      offerings: [{ model: "m", provider: "p", ...offering }],
    },
    "test",
    {},
  );
}

function problemsOf(offering: Record<string, unknown>): readonly string[] {
  try {
    configWith(offering);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

const dated = configWith({
  prices: [
    { input: 3, output: 15 },
    { from: "2026-11-01", input: 2.5, output: 12, cached_input: 0.25, cache_write: 3.125 },
    { from: "2026-11-15T12:00:00Z", input: 2, output: 10 },
  ],
}).offerings[0] as OfferingConfig;

describe("priceAt", () => {
  it("a change holds from its instant on (inclusive), the one before until then (exclusive)", () => {
    expect(priceAt(dated, at("2026-10-31T23:59:59.999Z"))?.input).toBe(3);
    expect(priceAt(dated, at("2026-11-01"))?.input).toBe(2.5);
    expect(priceAt(dated, at("2026-11-15T11:59:59.999Z"))?.input).toBe(2.5);
    expect(priceAt(dated, at("2026-11-15T12:00:00Z"))?.input).toBe(2);
    expect(priceAt(dated, at("2030-01-01"))?.input).toBe(2);
  });

  it("the first entry without from holds since always", () => {
    expect(priceAt(dated, 0)).toEqual({
      from: undefined,
      input: 3,
      output: 15,
      cachedInput: 3,
      cacheWrite: 3,
    });
  });

  it("no price before the first dated one, and none for an offering without a price", () => {
    const later = configWith({ prices: [{ from: "2026-11-01", input: 1, output: 2 }] }).offerings[0];
    expect(later && priceAt(later, at("2026-10-31"))).toBeUndefined();
    expect(later && priceAt(later, at("2026-11-01"))?.input).toBe(1);
    const free = configWith({}).offerings[0];
    expect(free?.prices).toEqual([]);
    expect(free && priceAt(free, at("2026-11-01"))).toBeUndefined();
  });

  it("`price` is one price since always; cached_input and cache_write default to input", () => {
    const plain = configWith({ price: { input: 1.5, output: 6 } }).offerings[0];
    expect(plain?.prices).toEqual([
      { from: undefined, input: 1.5, output: 6, cachedInput: 1.5, cacheWrite: 1.5 },
    ]);
    expect(priceAt(dated, at("2026-11-02"))).toMatchObject({ cachedInput: 0.25, cacheWrite: 3.125 });
  });
});

describe("price validation names the path", () => {
  it("both price and prices", () => {
    expect(problemsOf({ price: { input: 1, output: 2 }, prices: [{ input: 1, output: 2 }] })).toEqual([
      "offerings[0].prices: set price or prices, not both",
    ]);
  });

  it("unsorted and duplicate from", () => {
    expect(
      problemsOf({
        prices: [
          { from: "2026-11-10", input: 1, output: 2 },
          { from: "2026-11-01", input: 1, output: 2 },
        ],
      }),
    ).toEqual(["offerings[0].prices[1].from: must be after prices[0].from (list prices oldest first)"]);
    expect(
      problemsOf({
        prices: [
          { from: "2026-11-01", input: 1, output: 2 },
          { from: "2026-11-01T00:00:00Z", input: 2, output: 3 },
        ],
      }),
    ).toEqual(["offerings[0].prices[1].from: the same instant as prices[0].from"]);
  });

  it("a later entry without from, an empty list, a malformed date, a negative price, an unknown field", () => {
    expect(
      problemsOf({
        prices: [
          { input: 1, output: 2 },
          { input: 2, output: 3 },
        ],
      }),
    ).toEqual(["offerings[0].prices[1].from: required (only the first price may hold since always)"]);
    expect(problemsOf({ prices: [] })).toEqual(["offerings[0].prices: must list at least one price"]);
    expect(problemsOf({ prices: [{ from: "2026-13-01", input: 1, output: 2 }] })).toEqual([
      "offerings[0].prices[0].from: must be a date (YYYY-MM-DD) or an ISO-8601 date-time",
    ]);
    expect(problemsOf({ prices: [{ from: "2026-11-01", input: 1, output: 2, cache_write: -1 }] })).toEqual([
      "offerings[0].prices[0].cache_write: must not be negative",
    ]);
    expect(problemsOf({ price: { input: 1, output: 2, cache_read: 1 } })).toEqual([
      'offerings[0].price: unknown key "cache_read"; allowed here: input, output, cached_input, cache_write',
    ]);
  });
});

describe("costOf", () => {
  const price = { input: 3, output: 15, cachedInput: 0.3, cacheWrite: 3.75 };
  const usage = {
    inputTokens: 0,
    cachedInputTokens: 0,
    cacheWriteInputTokens: 0,
    outputTokens: 0,
    reasoningTokens: 0,
    estimated: false,
  };

  it("uncached input at the input price, output at the output price", () => {
    // 1,000 × $3/1M + 500 × $15/1M = 0.003 + 0.0075
    expect(costOf({ ...usage, inputTokens: 1_000, outputTokens: 500 }, price)).toBeCloseTo(0.0105, 12);
  });

  it("cache reads at cached_input and cache writes at cache_write, out of the input count", () => {
    // input 10,000 = 2,000 uncached + 6,000 read + 2,000 written:
    // 2,000 × 3 + 6,000 × 0.3 + 2,000 × 3.75 = 6,000 + 1,800 + 7,500 = 15,300 → $0.0153; plus 100 × 15 = $0.0015
    const cost = costOf(
      {
        ...usage,
        inputTokens: 10_000,
        cachedInputTokens: 6_000,
        cacheWriteInputTokens: 2_000,
        outputTokens: 100,
      },
      price,
    );
    expect(cost).toBeCloseTo(0.0168, 12);
  });

  it("reasoning tokens are part of the output count and billed once, as output", () => {
    // 400 output of which 300 reasoning: 400 × $15/1M = $0.006, not 700 × 15
    expect(costOf({ ...usage, outputTokens: 400, reasoningTokens: 300 }, price)).toBeCloseTo(0.006, 12);
  });

  it("without a configured cache price, reads and writes cost the input price", () => {
    const plain = configWith({ price: { input: 2, output: 8 } }).offerings[0];
    const resolved = plain && priceAt(plain, 0);
    expect(resolved).toBeDefined();
    if (resolved === undefined) return;
    // 1,000 input (500 read, 300 written) all at $2/1M = $0.002
    expect(
      costOf({ ...usage, inputTokens: 1_000, cachedInputTokens: 500, cacheWriteInputTokens: 300 }, resolved),
    ).toBeCloseTo(0.002, 12);
  });
});
