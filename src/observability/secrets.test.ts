import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { hashKey, parseConfigText } from "../config/load.js";
import {
  exhaustedReport,
  failoverReport,
  requestReport,
  unauthenticatedReport,
} from "../../test/support/request-reports.js";
import { AccessLog } from "./access-log.js";
import { createLogger } from "./logger.js";
import { GatewayMetrics, metricsCatalogOf } from "./metrics.js";

const secrets = {
  TEAM_KEY: "sy-live-7f3a9c1e5b2d4f6a8c0e2a4b",
  AZURE_KEY: "0c9d8e7f6a5b4c3d2e1f0a9b",
  OPENAI_KEY: "sk-proj-5e4d3c2b1a09f8e7d6c5",
};

const config = parseConfigText(
  `
keys:
  - { name: team-a-key, key: "\${TEAM_KEY}", tenant: team-a }
providers:
  azure-eastus: { kind: azure, region: eastus, endpoint: https://example.openai.azure.com, api_key: "\${AZURE_KEY}" }
  openai: { kind: openai, api_key: "\${OPENAI_KEY}" }
models:
  gpt-4o-mini: { vendor: openai, capabilities: [chat] }
offerings:
  - { model: gpt-4o-mini, provider: azure-eastus }
  - { model: gpt-4o-mini, provider: openai }
`,
  "secrets.yaml",
  secrets,
);

/** What people may see of the key: its first eight characters. */
const keyPrefix = `${secrets.TEAM_KEY.slice(0, 8)}…`;

/** Every 6-character piece of each secret beyond the key's visible prefix. */
function secretPieces(): string[] {
  const hidden = [
    secrets.TEAM_KEY.slice(8),
    secrets.AZURE_KEY,
    secrets.OPENAI_KEY,
    hashKey(secrets.TEAM_KEY),
  ];
  return hidden.flatMap((secret) =>
    Array.from({ length: secret.length - 5 }, (_, at) => secret.slice(at, at + 6)),
  );
}

describe("no key or secret in the access log or the metrics", () => {
  it("shows only the key's id and prefix, whatever the request came to", async () => {
    let logged = "";
    const logger = createLogger({
      level: "info",
      stream: new Writable({
        write(chunk: Buffer, _encoding, done) {
          logged += chunk.toString("utf8");
          done();
        },
      }),
    });
    const log = new AccessLog(logger, { enabled: true });
    const metrics = new GatewayMetrics({ catalog: metricsCatalogOf(config), processMetrics: false });
    const reports = [
      requestReport({ keyPrefix }),
      failoverReport({ keyPrefix }),
      exhaustedReport({ keyPrefix }),
      unauthenticatedReport(),
    ];
    for (const report of reports) {
      log.record(report);
      metrics.observe(report);
    }
    const scraped = await metrics.render();

    expect(logged.trimEnd().split("\n")).toHaveLength(reports.length);
    expect(logged).toContain(keyPrefix);
    expect(logged).toContain("team-a-key");
    for (const piece of secretPieces()) {
      expect(logged).not.toContain(piece);
      expect(scraped).not.toContain(piece);
    }
    // Metrics are per tenant: not even the key's id or prefix.
    expect(scraped).not.toContain("team-a-key");
    expect(scraped).not.toContain(secrets.TEAM_KEY.slice(0, 8));
  });
});
