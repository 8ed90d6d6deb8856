import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RequestReport } from "../../src/core/request-report.js";
import { subscribeReports } from "../../src/gateway/finish.js";
import { setFault, startHarness, testKey, type Harness } from "../support/harness.js";

/** Every request ends in exactly one report, whatever happened to it (issue 11, the finish point). */
let harness: Harness;
const reports: RequestReport[] = [];
let unsubscribe: () => void;

beforeAll(async () => {
  harness = await startHarness();
  unsubscribe = subscribeReports(
    (report) => reports.push(report),
    (error) => {
      throw error;
    },
  );
});
afterAll(async () => {
  unsubscribe();
  await harness.close();
});
beforeEach(async () => {
  await harness.reset();
  reports.length = 0;
});

/** The one report of a request; the finish point publishes it when the server side closes. */
async function reportOf(requestId: string | null): Promise<RequestReport> {
  expect(requestId).toBeTruthy();
  for (let waited = 0; waited < 5_000; waited += 10) {
    const found = reports.filter((report) => report.requestId === requestId);
    if (found.length > 0) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(reports.filter((report) => report.requestId === requestId)).toHaveLength(1);
      return found[0] as RequestReport;
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`no report for ${requestId}`);
}

const hello = { model: "gpt-4o-mini", messages: [{ role: "user" as const, content: "Hello there" }] };

describe("the request report", () => {
  it("records an answered chat request with the usage and cost the client was told", async () => {
    const { data, response } = await harness.client.chat.completions.create(hello).withResponse();
    const report = await reportOf(response.headers.get("x-request-id"));
    expect(report).toMatchObject({
      tenant: "demo",
      keyId: "demo",
      keyPrefix: testKey.slice(0, 7),
      ingress: "openai",
      endpoint: "chat.completions",
      model: "gpt-4o-mini",
      stream: false,
      outcome: "ok",
      status: 200,
      errorCode: undefined,
      route: { offering: "gpt-4o-mini@azure-eastus", provider: "azure-eastus", region: "eastus" },
    });
    expect(report.attempts).toHaveLength(1);
    expect(report.usage).toMatchObject({
      inputTokens: data.usage?.prompt_tokens,
      outputTokens: data.usage?.completion_tokens,
      estimated: false,
    });
    // The demo prices gpt-4o-mini on Azure at $0.15 / $0.60 per 1M tokens.
    const expected =
      ((data.usage?.prompt_tokens ?? 0) * 0.15 + (data.usage?.completion_tokens ?? 0) * 0.6) / 1e6;
    expect(report.cost?.usd).toBeCloseTo(expected, 12);
    expect(report.ttftMs).toBeUndefined();
    expect(report.latencyMs).toBeGreaterThan(0);
  });

  it("keeps a stream's usage even when the client did not ask for it, and its time to first byte", async () => {
    const stream = await harness.client.chat.completions.create({ ...hello, stream: true }).withResponse();
    let text = "";
    for await (const chunk of stream.data) text += chunk.choices[0]?.delta.content ?? "";
    const report = await reportOf(stream.response.headers.get("x-request-id"));
    expect(text.length).toBeGreaterThan(0);
    expect(report.stream).toBe(true);
    expect(report.outcome).toBe("ok");
    expect(report.usage?.estimated).toBe(false);
    expect(report.usage?.outputTokens).toBeGreaterThan(0);
    expect(report.ttftMs).toBeGreaterThan(0);
    expect(report.ttftMs).toBeLessThanOrEqual(report.latencyMs);
  });

  it("records an Anthropic client's stream with the usage its final message_delta carried", async () => {
    const client = new Anthropic({ apiKey: testKey, baseURL: harness.gateway.url, maxRetries: 0 });
    const stream = client.messages.stream({ ...hello, max_tokens: 200 });
    const final = await stream.finalMessage();
    const requestId = (await stream.withResponse()).response.headers.get("x-request-id");
    const report = await reportOf(requestId);
    expect(report).toMatchObject({ ingress: "anthropic", endpoint: "messages", stream: true, outcome: "ok" });
    expect(report.usage?.outputTokens).toBe(final.usage.output_tokens);
  });

  it("lists every attempt of a request that failed over", async () => {
    await setFault(harness.emulator("azure-eastus"), { status: 503 });
    const { response } = await harness.client.chat.completions.create(hello).withResponse();
    const report = await reportOf(response.headers.get("x-request-id"));
    expect(report.route?.offering).toBe("gpt-4o-mini@openai");
    expect(report.attempts.map((attempt) => [attempt.offering, attempt.status])).toEqual([
      ["gpt-4o-mini@azure-eastus", 503],
      ["gpt-4o-mini@azure-eastus", 503],
      ["gpt-4o-mini@openai", 200],
    ]);
    expect(report.attempts[0]?.code).toBe("upstream_unavailable");
  });

  it("records a request without a key as a 401 with no tenant", async () => {
    const response = await fetch(`${harness.gateway.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(hello),
    });
    expect(response.status).toBe(401);
    const report = await reportOf(response.headers.get("x-request-id"));
    expect(report).toMatchObject({
      tenant: undefined,
      keyId: undefined,
      status: 401,
      outcome: "error",
      errorCode: "invalid_api_key",
      endpoint: "chat.completions",
      route: undefined,
      usage: undefined,
    });
  });

  it("records a 502 after every offering failed, with both attempts", async () => {
    await setFault(harness.emulator("azure-eastus"), { status: 500 });
    await setFault(harness.emulator("openai"), { status: 500 });
    const response = await fetch(`${harness.gateway.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${testKey}` },
      body: JSON.stringify(hello),
    });
    expect(response.status).toBe(502);
    const report = await reportOf(response.headers.get("x-request-id"));
    expect(report).toMatchObject({ status: 502, outcome: "error", errorCode: "upstream_server_error" });
    expect(report.attempts.length).toBeGreaterThanOrEqual(2);
    expect(new Set(report.attempts.map((attempt) => attempt.provider))).toEqual(
      new Set(["azure-eastus", "openai"]),
    );
  });

  it("records a stream cut after its first byte as a stream error, with estimated usage", async () => {
    await setFault(harness.emulator("azure-eastus"), { cut_after_chunks: 3 });
    const stream = await harness.client.chat.completions.create({ ...hello, stream: true }).withResponse();
    await expect(async () => {
      for await (const chunk of stream.data) void chunk;
    }).rejects.toThrow();
    const report = await reportOf(stream.response.headers.get("x-request-id"));
    expect(report.outcome).toBe("stream_error");
    expect(report.errorCode).toMatch(/^upstream_/);
    expect(report.usage?.estimated).toBe(true);
    expect(report.usage?.inputTokens).toBeGreaterThan(0);
  });

  it("records a client that leaves before the answer as gone, with status 499", async () => {
    await setFault(harness.emulator("azure-eastus"), { latency_ms: 2_000 });
    const controller = new AbortController();
    const sent = fetch(`${harness.gateway.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${testKey}` },
      body: JSON.stringify(hello),
      signal: controller.signal,
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    controller.abort();
    await expect(sent).rejects.toThrow();
    for (let waited = 0; reports.length === 0 && waited < 5_000; waited += 10)
      await new Promise((resolve) => setTimeout(resolve, 10));
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ outcome: "client_gone", status: 499, tenant: "demo" });
  });

  it("records embeddings with their input tokens", async () => {
    const { data, response } = await harness.client.embeddings
      .create({ model: "text-embedding-3-small", input: ["one", "two"] })
      .withResponse();
    const report = await reportOf(response.headers.get("x-request-id"));
    expect(report.endpoint).toBe("embeddings");
    expect(report.usage?.inputTokens).toBe(data.usage.prompt_tokens);
    expect(report.usage?.outputTokens).toBe(0);
  });
});

describe("the request report of a Responses API request", () => {
  it("names the endpoint `responses`, streamed or not, with its usage and route", async () => {
    const { data: stream, response } = await harness.client.responses
      .create({ model: "gpt-4o-mini", input: "Hello there", stream: true })
      .withResponse();
    let usage: { output_tokens: number } | undefined;
    for await (const event of stream) if (event.type === "response.completed") usage = event.response.usage;
    const report = await reportOf(response.headers.get("x-request-id"));
    expect(report).toMatchObject({
      ingress: "openai",
      endpoint: "responses",
      model: "gpt-4o-mini",
      stream: true,
      outcome: "ok",
      status: 200,
      route: { provider: response.headers.get("x-switchyard-provider") },
      usage: { outputTokens: usage?.output_tokens },
    });
  });

  it("records an unknown previous_response_id as its 400", async () => {
    const response = await fetch(`${harness.gateway.url}/v1/responses`, {
      method: "POST",
      headers: { authorization: `Bearer ${testKey}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-4o-mini", input: "Hi", previous_response_id: "resp_gone" }),
    });
    const report = await reportOf(response.headers.get("x-request-id"));
    expect(report).toMatchObject({
      endpoint: "responses",
      outcome: "error",
      status: 400,
      errorCode: "previous_response_not_found",
    });
  });
});
