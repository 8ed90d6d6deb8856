import { describe, expect, it } from "vitest";
import { parseInstant } from "../catalog/time.js";
import { demoConfigDocument, placeholderUpstreams } from "../config/demo.js";
import { resolveConfig } from "../config/load.js";
import { describeConfiguration } from "./check-command.js";

describe("switchyard check: what a configuration would serve", () => {
  const config = resolveConfig(demoConfigDocument(placeholderUpstreams(), "sy-demo-check", 4800), "demo", {});

  it("lists only the agreements in force at the date, on either side of the demo's exclusivity", () => {
    const before = describeConfiguration(config, parseInstant("2025-10-01") ?? 0, "2025-10-01");
    expect(before).toMatch(
      /^Agreements in force at 2025-10-01 \(\d of \d\):\n {2}openai +azure-eastus, azure-swedencentral +exclusive +until 2025-10-28$/m,
    );
    const after = describeConfiguration(config, parseInstant("2026-01-01") ?? 0, "2026-01-01");
    expect(after).not.toContain("exclusive");
    expect(after).toMatch(
      /^ {2}openai +azure-eastus, azure-swedencentral +launch-partner \(window P30D\) +from 2025-10-28$/m,
    );
    expect(after).toMatch(/^ {2}openai +azure-eastus, azure-swedencentral +preferential +from 2025-10-28$/m);
  });

  it("says when the demo would run, and does not show its placeholder URLs", () => {
    const text = describeConfiguration(config, Date.now(), "today");
    expect(text).toMatch(/^No configuration file found .* serve would run the built-in demo/);
    expect(text).toMatch(/^ {2}azure-eastus +azure +eastus +\(emulated\)$/m);
    expect(text).not.toContain("127.0.0.1:9");
  });

  it("an offering that is not available says why", () => {
    const before = describeConfiguration(config, parseInstant("2025-10-01") ?? 0, "2025-10-01");
    expect(before).toMatch(/^ {2}gpt-oss-120b@aws-us-east-1 +\S+ +not available +openai is exclusive to /m);
  });
});
