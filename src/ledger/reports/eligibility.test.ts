import { describe, expect, it } from "vitest";
import type { OfferingConfig, PolicyConfig } from "../../config/types.js";
import { eligibilityOf } from "./eligibility.js";
import { fixtureConfig, ledgerRow } from "./fixture-ledger.js";

const offering = (id: string): OfferingConfig => {
  const found = fixtureConfig.offerings.find((item) => item.id === id);
  if (found === undefined) throw new Error(id);
  return found;
};
const defaults = fixtureConfig.tenants.get("default")?.policy as PolicyConfig;
const row = ledgerRow({
  requestId: "e1",
  startedAt: Date.parse("2026-11-25T00:00:00Z"),
  offering: "gpt-x@azure",
  inputTokens: 1000,
  outputTokens: 10,
  costUsd: 0.00208,
});

describe("eligibilityOf", () => {
  it("the price in force at the row's time, and the tenant's max_price against it", () => {
    const aws = offering("gpt-x@aws");
    expect(eligibilityOf(aws, row, offering("gpt-x@azure"), defaults, fixtureConfig)).toMatchObject({
      eligible: true,
      price: { input: 0.8, output: 5 },
    });
    const capped = { ...defaults, maxPrice: { input: undefined, output: 4 } };
    expect(eligibilityOf(aws, row, offering("gpt-x@azure"), capped, fixtureConfig)).toEqual({
      eligible: false,
      why: "policy",
      reason: "output price $5/1M is over max_price",
    });
  });

  it("a prompt over the offering's context window", () => {
    const small = { ...offering("gpt-x@aws"), contextWindow: 500 };
    expect(eligibilityOf(small, row, offering("gpt-x@azure"), defaults, fixtureConfig)).toEqual({
      eligible: false,
      why: "capability",
      reason: "prompt of 1000 tokens exceeds the context window of 500",
    });
  });

  it("an embeddings request needs embeddings; a denied provider is the boundary", () => {
    const embeddings = { ...row, endpoint: "embeddings" as const };
    expect(
      eligibilityOf(offering("gpt-x@aws"), embeddings, undefined, defaults, fixtureConfig),
    ).toMatchObject({
      why: "capability",
      reason: "no embeddings support on this offering",
    });
    const denied = { ...defaults, denyProviders: new Set(["aws"]) };
    expect(eligibilityOf(offering("gpt-x@aws"), row, undefined, denied, fixtureConfig)).toMatchObject({
      why: "boundary",
      reason: "provider aws is denied by the tenant's policy",
    });
  });

  it("the capabilities a row records decide; a row without them counts every feature of the serving offering", () => {
    // gpt-x@gcp is chat only; gpt-x@azure (which served) has tools.
    const gcp = offering("gpt-x@gcp");
    const azure = offering("gpt-x@azure");
    const at = { ...row, startedAt: Date.parse("2026-11-05T00:00:00Z") };
    expect(eligibilityOf(gcp, { ...at, capabilities: "chat" }, azure, defaults, fixtureConfig)).toMatchObject(
      {
        eligible: true,
      },
    );
    expect(eligibilityOf(gcp, { ...at, capabilities: "chat,tools" }, azure, defaults, fixtureConfig)).toEqual(
      {
        eligible: false,
        why: "capability",
        reason: "no tools support on this offering",
      },
    );
    expect(eligibilityOf(gcp, { ...at, capabilities: null }, azure, defaults, fixtureConfig)).toMatchObject({
      eligible: false,
      why: "capability",
    });
  });

  it("no price in force then", () => {
    const unpriced = { ...offering("gpt-x@aws"), prices: [] };
    expect(eligibilityOf(unpriced, row, undefined, defaults, fixtureConfig)).toMatchObject({
      why: "unpriced",
    });
  });
});
