import { describe, expect, it } from "vitest";
import { parsePrometheusText, valueOf } from "./prometheus-text.js";

const histogram = `# HELP latency_seconds How long.
# TYPE latency_seconds histogram
latency_seconds_bucket{route="a",le="0.1"} 1
latency_seconds_bucket{route="a",le="1"} 3
latency_seconds_bucket{route="a",le="+Inf"} 4
latency_seconds_sum{route="a"} 7.5
latency_seconds_count{route="a"} 4
`;

describe("the Prometheus text parser used by the tests", () => {
  it("reads families, labels with escapes, special values and histograms", () => {
    const parsed = parsePrometheusText(
      `# HELP requests_total Requests, with a \\\\ and a\\nline feed.\n# TYPE requests_total counter\n` +
        `requests_total{tenant="a \\"b\\" \\\\ c\\nd",code=""} 3 1700000000000\n` +
        `# a comment\n\n# TYPE up gauge\nup NaN\n` +
        histogram,
    );
    expect(parsed.get("requests_total")?.help).toBe("Requests, with a \\ and a\nline feed.");
    expect(valueOf(parsed, "requests_total", { tenant: 'a "b" \\ c\nd', code: "" })).toBe(3);
    expect(valueOf(parsed, "up")).toBeNaN();
    expect(valueOf(parsed, "latency_seconds_bucket", { le: "1" })).toBe(3);
    expect(valueOf(parsed, "latency_seconds_sum")).toBe(7.5);
  });

  it.each([
    ["a sample without TYPE", "orphan 1\n"],
    ["a bad value", "# TYPE x counter\nx one\n"],
    ["an unquoted label value", "# TYPE x counter\nx{a=b} 1\n"],
    ["a bad escape", '# TYPE x counter\nx{a="\\t"} 1\n'],
    ["a duplicate series", '# TYPE x counter\nx{a="1"} 1\nx{a="1"} 2\n'],
    ["a split family", "# TYPE x counter\nx 1\n# TYPE y gauge\ny 1\n# HELP x again\n"],
    ["a histogram without +Inf", histogram.replace(/.*le="\+Inf".*\n/, "")],
    ["non-cumulative buckets", histogram.replace('le="1"} 3', 'le="1"} 0')],
    ["+Inf differing from _count", histogram.replace('_count{route="a"} 4', '_count{route="a"} 5')],
    ["a sample of another family", "# TYPE x counter\nx_bucket 1\n"],
  ])("rejects %s", (_what, text) => {
    expect(() => parsePrometheusText(text)).toThrow();
  });
});
