import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { availabilityAt } from "../catalog/agreements.js";
import { geographyOf } from "../catalog/regions.js";
import { priceAt } from "../catalog/pricing.js";
import { demoConfigDocument, placeholderUpstreams } from "./demo.js";
import { resolveConfig } from "./load.js";

const DAY = 86_400_000;
const now = Date.UTC(2026, 10, 26, 12);
const config = resolveConfig(
  demoConfigDocument(placeholderUpstreams(), "demo-key-123", 4800, now),
  "demo",
  {},
);
const servedBy = (model: string, at: number): string[] =>
  config.offerings
    .filter((offering) => offering.model === model && availabilityAt(offering, config, at).available)
    .map((offering) => offering.provider);

describe("the demo catalog tells the multi-cloud story", () => {
  it("a new OpenAI model is on Azure only, inside its launch window today, and everywhere a month later", () => {
    expect(servedBy("gpt-nova", now)).toEqual(["azure-eastus", "azure-swedencentral"]);
    expect(servedBy("gpt-nova", now + 30 * DAY)).toEqual([
      "azure-eastus",
      "azure-swedencentral",
      "aws-us-east-1",
      "gcp-europe-west4",
    ]);
  });

  it("an older OpenAI model reached AWS and Google when the Azure exclusivity ended", () => {
    expect(servedBy("gpt-oss-120b", Date.UTC(2025, 9, 27))).toEqual(["azure-eastus"]);
    expect(servedBy("gpt-oss-120b", Date.UTC(2025, 9, 28))).toHaveLength(4);
  });

  it("Claude, Gemini and Llama each on several clouds, in the US and the EU, at different prices", () => {
    expect(servedBy("claude-sonnet-4-6", now)).toEqual([
      "anthropic",
      "aws-us-east-1",
      "gcp-us-central1",
      "gcp-europe-west4",
    ]);
    expect(servedBy("gemini-2.5-flash", now)).toEqual(["gemini", "gcp-us-central1", "gcp-europe-west4"]);
    expect(servedBy("llama-3.3-70b", now)).toEqual(["llama-host", "aws-us-east-1", "gcp-us-central1"]);
    const geos = new Set([...config.providers.values()].map((p) => geographyOf(p.region ?? "")));
    expect(geos).toContain("us");
    expect(geos).toContain("eu");
    const claudePrices = config.offerings
      .filter((offering) => offering.model === "claude-sonnet-4-6")
      .map((offering) => priceAt(offering, now)?.input);
    expect(new Set(claudePrices).size).toBeGreaterThan(1);
  });

  it("prices: cache writes on Claude, and a price change a week ago that the ledger tells apart", () => {
    const claude = config.offerings.find((offering) => offering.provider === "anthropic");
    expect(claude && priceAt(claude, now)).toMatchObject({ input: 3, cachedInput: 0.3, cacheWrite: 3.75 });
    const aws = config.offerings.find((offering) => offering.id === "gpt-oss-120b@aws-us-east-1");
    expect(aws && priceAt(aws, now - 8 * DAY)?.input).toBe(0.15);
    expect(aws && priceAt(aws, now)?.input).toBe(0.12);
  });
});

describe("issue 9: the demo names no model its vendor's SDK calls deprecated", () => {
  // The SDK keeps this table internal (not in its exports), so it is read from the installed file.
  const require = createRequire(import.meta.url);
  const sdkDirectory = dirname(require.resolve("@anthropic-ai/sdk"));
  const { DEPRECATED_MODELS } = require(join(sdkDirectory, "internal/data/deprecated-models.js")) as {
    DEPRECATED_MODELS: Record<string, string>;
  };

  it("no demo model or native id is in the Anthropic SDK's deprecated list", () => {
    expect(Object.keys(DEPRECATED_MODELS)).toContain("claude-sonnet-4-5");
    const names = [...config.models.keys(), ...config.offerings.map((offering) => offering.nativeModel)];
    const deprecated = names.filter(
      (name) => name.replace(/^(us|eu|apac|global)\.anthropic\./, "") in DEPRECATED_MODELS,
    );
    expect(deprecated).toEqual([]);
  });
});
