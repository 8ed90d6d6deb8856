import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parsePrometheusText, sumOf, valueOf } from "../support/prometheus-text.js";
import { setFault, startHarness, testKey, type Harness } from "../support/harness.js";

/** `GET /metrics`, scraped from a running gateway and parsed (issue 11). */
let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(async () => {
  await harness.close();
});

async function scrape(): Promise<ReturnType<typeof parsePrometheusText>> {
  const response = await fetch(`${harness.gateway.url}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheusText(await response.text());
}

describe("GET /metrics", () => {
  it("counts requests, tokens, cost and failovers from the requests the gateway served", async () => {
    const hello = { model: "gpt-4o-mini", messages: [{ role: "user" as const, content: "Hello" }] };
    const first = await harness.client.chat.completions.create(hello);
    await setFault(harness.emulator("azure-eastus"), { status: 503, count: 2 });
    const second = await harness.client.chat.completions.create(hello);
    await fetch(`${harness.gateway.url}/v1/models`); // a 401: no key
    // Reports are published when the server side of each response closes.
    await new Promise((resolve) => setTimeout(resolve, 100));

    const metrics = await scrape();
    const ok = {
      endpoint: "chat.completions",
      tenant: "demo",
      outcome: "ok",
      gen_ai_request_model: "gpt-4o-mini",
    };
    expect(sumOf(metrics, "switchyard_requests_total", ok)).toBe(2);
    expect(sumOf(metrics, "switchyard_requests_total", { endpoint: "models", status_class: "4xx" })).toBe(1);
    const input = (first.usage?.prompt_tokens ?? 0) + (second.usage?.prompt_tokens ?? 0);
    expect(sumOf(metrics, "switchyard_tokens_total", { gen_ai_token_type: "input", tenant: "demo" })).toBe(
      input,
    );
    expect(sumOf(metrics, "switchyard_failovers_total", { from_offering: "gpt-4o-mini@azure-eastus" })).toBe(
      1,
    );
    expect(sumOf(metrics, "switchyard_cost_usd_total", { tenant: "demo" })).toBeGreaterThan(0);
    expect(
      sumOf(metrics, "gen_ai_server_request_duration_seconds_count", { gen_ai_request_model: "gpt-4o-mini" }),
    ).toBe(2);
    expect(
      valueOf(metrics, "switchyard_circuit_breaker_state", {
        offering: "gpt-4o-mini@openai",
        state: "closed",
      }),
    ).toBe(1);
  });

  it("never names a key in its labels", async () => {
    const text = await (await fetch(`${harness.gateway.url}/metrics`)).text();
    expect(text).not.toContain(testKey);
  });
});
