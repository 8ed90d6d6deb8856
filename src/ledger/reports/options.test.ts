import { describe, expect, it } from "vitest";
import { GatewayError } from "../../errors/index.js";
import { fixtureConfig } from "./fixture-ledger.js";
import { parseReportOptions, type RawReportOptions } from "./options.js";

function errorOf(kind: string, raw: RawReportOptions): { code: string; param: string | undefined } {
  try {
    parseReportOptions(kind, raw, fixtureConfig);
  } catch (error) {
    if (error instanceof GatewayError) return { code: error.code, param: error.param };
    throw error;
  }
  throw new Error("no error");
}

describe("parseReportOptions", () => {
  it("dates are midnight UTC; a date as --to covers that whole day; instants are exact", () => {
    expect(
      parseReportOptions("spend", { from: "2026-11-01", to: "2026-11-30" }, fixtureConfig).options,
    ).toEqual({
      from: Date.UTC(2026, 10, 1),
      to: Date.UTC(2026, 11, 1),
      tenant: undefined,
      by: "tenant",
    });
    expect(
      parseReportOptions(
        "providers",
        { from: "2026-11-01T10:00:00+01:00", to: "2026-11-02T00:00:00Z" },
        fixtureConfig,
      ).options,
    ).toMatchObject({ from: Date.UTC(2026, 10, 1, 9), to: Date.UTC(2026, 10, 2), by: "provider" });
  });

  it("defaults: unbounded period, every tenant, the report's first grouping", () => {
    expect(parseReportOptions("whatif", {}, fixtureConfig)).toEqual({
      kind: "whatif",
      options: { from: undefined, to: undefined, tenant: undefined, by: "model" },
    });
    expect(
      parseReportOptions("spend", { by: "day", tenant: "eu-only" }, fixtureConfig).options,
    ).toMatchObject({
      by: "day",
      tenant: "eu-only",
    });
  });

  it("malformed --from and --to, --to before --from, name the parameter", () => {
    expect(errorOf("spend", { from: "yesterday" })).toEqual({ code: "invalid_request", param: "from" });
    expect(errorOf("spend", { from: "2026-02-30" })).toEqual({ code: "invalid_request", param: "from" });
    expect(errorOf("spend", { to: "2026-11-01T25:00:00Z" })).toEqual({
      code: "invalid_request",
      param: "to",
    });
    expect(errorOf("spend", { to: "2026-11-01T10:00:00" })).toEqual({ code: "invalid_request", param: "to" });
    expect(errorOf("spend", { from: "2026-11-02", to: "2026-11-01" })).toEqual({
      code: "invalid_request",
      param: "to",
    });
  });

  it("an unknown --by (per report), an unknown tenant and an unknown report name the parameter", () => {
    expect(errorOf("spend", { by: "week" })).toEqual({ code: "invalid_request", param: "by" });
    expect(errorOf("whatif", { by: "tenant" })).toEqual({ code: "invalid_request", param: "by" });
    expect(errorOf("spend", { tenant: "nobody" })).toEqual({ code: "invalid_request", param: "tenant" });
    expect(errorOf("cost", {})).toEqual({ code: "invalid_request", param: "report" });
  });

  it("the message is one line a CLI can print", () => {
    expect.assertions(2);
    try {
      parseReportOptions("spend", { by: "week" }, fixtureConfig);
    } catch (error) {
      expect((error as Error).message).toBe(
        'unknown --by "week" for spend; expected one of tenant, key, model, provider, region, day',
      );
      expect((error as GatewayError).status).toBe(400);
    }
  });
});
