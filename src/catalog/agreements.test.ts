import { describe, expect, it } from "vitest";
import { resolveConfig } from "../config/load.js";
import type { GatewayConfig, OfferingConfig } from "../config/types.js";
import { availabilityAt, periodAt, timelineOf } from "./agreements.js";
import { addDuration, parseDuration, parseInstant } from "./time.js";

const at = (text: string): number => parseInstant(text) ?? Number.NaN;

/** A vendor exclusive with azure until 2025-10-28, then launch-partner (P30D) and preferential there. */
function catalog(extra: Record<string, unknown> = {}): GatewayConfig {
  return resolveConfig(
    {
      keys: [{ name: "k", key: "sk-agreements" }],
      providers: {
        azure: { kind: "openai-compatible", base_url: "http://127.0.0.1:1/v1", region: "eastus" },
        aws: { kind: "openai-compatible", base_url: "http://127.0.0.1:2/v1", region: "us-east-1" },
        gcp: { kind: "openai-compatible", base_url: "http://127.0.0.1:3/v1", region: "europe-west4" },
      },
      models: {
        old: { vendor: "openai", release_date: "2025-03-01", capabilities: ["chat"] },
        new: { vendor: "openai", release_date: "2026-11-20", capabilities: ["chat"] },
        llama: { vendor: "meta", capabilities: ["chat"] },
      },
      offerings: [
        { model: "old", provider: "azure" },
        { model: "old", provider: "aws" },
        { model: "new", provider: "azure" },
        { model: "new", provider: "aws" },
        { model: "new", provider: "gcp", available_from: "2027-01-01" },
        { model: "llama", provider: "aws", available_until: "2026-12-31" },
      ],
      agreements: [
        { vendor: "openai", channel: "azure", terms: "exclusive", effective_until: "2025-10-28" },
        {
          vendor: "openai",
          channel: ["azure"],
          terms: "launch-partner",
          window: "P30D",
          effective_from: "2025-10-28",
        },
        { vendor: "openai", channel: ["azure"], terms: "preferential", effective_from: "2025-10-28" },
      ],
      ...extra,
    },
    "test",
    {},
  );
}

const config = catalog();
const offering = (id: string): OfferingConfig => {
  const found = config.offerings.find((o) => o.id === id);
  if (found === undefined) throw new Error(id);
  return found;
};

describe("agreement terms", () => {
  it("exclusive: only the channel serves while in force, up to the instant it ends", () => {
    const justBefore = at("2025-10-28") - 1;
    expect(availabilityAt(offering("old@aws"), config, justBefore)).toEqual({
      available: false,
      reason: "openai is exclusive to azure until 2025-10-28",
    });
    expect(availabilityAt(offering("old@azure"), config, justBefore).available).toBe(true);
    // At the instant the exclusive agreement ends, the launch window of a model released long ago is over.
    expect(availabilityAt(offering("old@aws"), config, at("2025-10-28"))).toEqual({
      available: true,
      reason: "available",
    });
  });

  it("launch-partner: the partner from release, the others from release + window", () => {
    const windowEnd = at("2026-12-20");
    expect(availabilityAt(offering("new@azure"), config, at("2026-11-20")).reason).toBe(
      "launch partner of openai",
    );
    expect(availabilityAt(offering("new@aws"), config, windowEnd - 1)).toEqual({
      available: false,
      reason: "launch window until 2026-12-20 (launch partner: azure)",
    });
    expect(availabilityAt(offering("new@aws"), config, windowEnd).available).toBe(true);
  });

  it("launch-partner: an offering's own later available_from wins over the window's end", () => {
    expect(availabilityAt(offering("new@gcp"), config, at("2026-12-25"))).toEqual({
      available: false,
      reason: "available from 2027-01-01",
    });
    expect(availabilityAt(offering("new@gcp"), config, at("2027-01-01")).available).toBe(true);
  });

  it("nothing is available before its model's release", () => {
    expect(availabilityAt(offering("new@azure"), config, at("2026-11-20") - 1)).toEqual({
      available: false,
      reason: "new is released on 2026-11-20",
    });
  });

  it("available_until withdraws an offering at that instant", () => {
    expect(availabilityAt(offering("llama@aws"), config, at("2026-12-31") - 1).available).toBe(true);
    expect(availabilityAt(offering("llama@aws"), config, at("2026-12-31"))).toEqual({
      available: false,
      reason: "withdrawn on 2026-12-31",
    });
  });

  it("preferential and launch-partner channels are preferred only while in force", () => {
    expect(availabilityAt(offering("new@azure"), config, at("2026-11-26")).preferred).toBe(true);
    expect(availabilityAt(offering("new@aws"), config, at("2026-12-26")).preferred).toBeUndefined();
    const ended = catalog({
      agreements: [
        { vendor: "openai", channel: "azure", terms: "preferential", effective_until: "2026-01-01" },
      ],
    });
    const azure = ended.offerings.find((o) => o.id === "old@azure");
    if (azure === undefined) throw new Error("old@azure");
    expect(availabilityAt(azure, ended, at("2025-12-31")).preferred).toBe(true);
    expect(availabilityAt(azure, ended, at("2026-01-01")).preferred).toBeUndefined();
  });

  it("open terms restrict nothing and prefer nothing", () => {
    const open = catalog({ agreements: [{ vendor: "openai", channel: "aws", terms: "open" }] });
    const aws = open.offerings.find((o) => o.id === "new@aws");
    if (aws === undefined) throw new Error("new@aws");
    expect(availabilityAt(aws, open, at("2026-11-21"))).toEqual({ available: true, reason: "available" });
    expect(availabilityAt(aws, open, at("2026-11-21")).preferred).toBeUndefined();
  });
});

describe("timelines", () => {
  it("cuts an offering's history at every boundary and says since when it is available", () => {
    expect(
      timelineOf(offering("new@aws"), config).map((p) => [p.from, p.until, p.available, p.reason]),
    ).toEqual([
      // Before its release the release is the reason, whatever agreements said at the time.
      [undefined, at("2026-11-20"), false, "new is released on 2026-11-20"],
      [at("2026-11-20"), at("2026-12-20"), false, "launch window until 2026-12-20 (launch partner: azure)"],
      [at("2026-12-20"), undefined, true, "available"],
    ]);
    expect(periodAt(offering("new@aws"), config, at("2027-02-01")).from).toBe(at("2026-12-20"));
  });
});

describe("durations and instants", () => {
  it("adds calendar durations in UTC, clamping month ends", () => {
    const duration = (text: string) => {
      const parsed = parseDuration(text);
      if (parsed === undefined) throw new Error(text);
      return parsed;
    };
    expect(new Date(addDuration(at("2026-01-31"), duration("P1M"))).toISOString()).toBe(
      "2026-02-28T00:00:00.000Z",
    );
    expect(new Date(addDuration(at("2026-11-20"), duration("P30D"))).toISOString()).toBe(
      "2026-12-20T00:00:00.000Z",
    );
    expect(new Date(addDuration(at("2026-11-20"), duration("P1Y2W"))).toISOString()).toBe(
      "2027-12-04T00:00:00.000Z",
    );
    expect(new Date(addDuration(at("2026-11-20"), duration("PT36H"))).toISOString()).toBe(
      "2026-11-21T12:00:00.000Z",
    );
    expect(parseDuration("P")).toBeUndefined();
    expect(parseDuration("30D")).toBeUndefined();
    expect(parseInstant("2026-11-26T10:00:00+01:00")).toBe(Date.UTC(2026, 10, 26, 9));
  });
});

describe("catalog mistakes are caught at start, naming the path", () => {
  const problems = (extra: Record<string, unknown>): string[] => {
    try {
      catalog(extra);
      return [];
    } catch (error) {
      return [...((error as { problems?: string[] }).problems ?? [])];
    }
  };

  it("an agreement naming an unknown vendor or channel", () => {
    expect(
      problems({ agreements: [{ vendor: "acme", channel: ["azure", "nowhere"], terms: "open" }] }),
    ).toEqual([
      'agreements[0].vendor: unknown vendor "acme" (no model names it)',
      'agreements[0].channel[1]: unknown provider "nowhere"',
    ]);
  });

  it("overlapping exclusive agreements for one vendor", () => {
    expect(
      problems({
        agreements: [
          { vendor: "openai", channel: "azure", terms: "exclusive", effective_until: "2026-01-01" },
          { vendor: "openai", channel: "aws", terms: "exclusive", effective_from: "2025-12-01" },
        ],
      }),
    ).toEqual(['agreements[1]: overlaps the exclusive agreements[0] for vendor "openai"']);
    // Back to back is not an overlap.
    expect(
      problems({
        agreements: [
          { vendor: "openai", channel: "azure", terms: "exclusive", effective_until: "2026-01-01" },
          { vendor: "openai", channel: "aws", terms: "exclusive", effective_from: "2026-01-01" },
        ],
      }),
    ).toEqual([]);
  });

  it("a malformed duration or date, a missing window, a negative price", () => {
    expect(
      problems({
        agreements: [
          { vendor: "openai", channel: "azure", terms: "launch-partner", window: "30 days" },
          { vendor: "openai", channel: "azure", terms: "launch-partner" },
          { vendor: "openai", channel: "azure", terms: "open", effective_from: "2026-13-01" },
        ],
      }),
    ).toEqual([
      "agreements[0].window: must be an ISO-8601 duration such as P30D",
      "agreements[2].effective_from: must be a date (YYYY-MM-DD) or an ISO-8601 date-time",
    ]);
    expect(
      problems({ agreements: [{ vendor: "openai", channel: "azure", terms: "launch-partner" }] }),
    ).toEqual(["agreements[0].window: required for launch-partner terms"]);
    expect(
      problems({
        offerings: [{ model: "old", provider: "azure", price: { input: -1, output: 2 } }],
      }),
    ).toEqual(["offerings[0].price.input: must not be negative"]);
  });

  it("an offering for an unknown model or provider", () => {
    expect(
      problems({
        offerings: [
          { model: "ghost", provider: "azure" },
          { model: "old", provider: "nowhere" },
        ],
      }),
    ).toEqual([
      'offerings[0].model: unknown model "ghost"',
      'offerings[1].provider: unknown provider "nowhere"',
    ]);
  });

  it("a launch-partner vendor's model without a release date", () => {
    expect(
      problems({
        models: { undated: { vendor: "openai", capabilities: ["chat"] } },
        offerings: [{ model: "undated", provider: "azure" }],
      }),
    ).toEqual([
      'models.undated.release_date: required, because vendor "openai" has a launch-partner agreement (agreements[1])',
    ]);
  });
});
