import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../support/harness.js";

/** The per-request subscribers turned off by configuration (issue 11: the bench's `switchyard-off`). */
describe("ledger.enabled false and server.metrics off", () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness(
      (document) => {
        document.ledger = { enabled: false };
        (document.server as Record<string, unknown>).metrics = "off";
      },
      { ledger: true },
    );
  });
  afterAll(async () => {
    await harness.close();
  });

  it("runs no ledger writer and counts nothing, while requests are answered", async () => {
    const services = harness.gateway.services;
    expect(services.ledger).toBeUndefined();
    const { response } = await harness.client.chat.completions
      .create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hello" }] })
      .withResponse();
    expect(response.status).toBe(200);
    // The harness's writer would flush within 10 ms; give it far longer.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(response.headers.get("x-request-id")).toBeTruthy();
    const rows = [];
    for await (const row of harness.store?.ledger.rows({}) ?? []) rows.push(row);
    expect(harness.store).toBeDefined();
    expect(rows).toEqual([]);
    const text = await services.metrics.registry.metrics();
    expect(text).not.toMatch(/switchyard_requests_total\{/);
  });
});
