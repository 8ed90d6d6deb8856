import OpenAI, { type APIError } from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  expectServedBy,
  requestCount,
  setFault,
  startHarness,
  streamedText,
  testKey,
  type Harness,
} from "../support/harness.js";

/**
 * Failure drills through the official OpenAI SDK: emulator faults on the preferred offering, and
 * the answer still comes, complete, from the next one; the tenant's boundary is never crossed.
 */
let harness: Harness;
beforeAll(async () => {
  harness = await startHarness((document) => {
    const tenants = document.tenants as Record<string, { policy: Record<string, unknown> }>;
    // Quick retries, a first-token timeout the drill below can trip, and a breaker that trips fast.
    const drills = {
      retries: {
        attempts_per_offering: 2,
        backoff_base_ms: 5,
        backoff_max_ms: 20,
        retry_after_cap_ms: 5_000,
      },
      timeouts: { first_token_ms: 400 },
      fallbacks: { "gpt-4o-mini": ["gpt-oss-120b"] },
    };
    for (const tenant of Object.values(tenants)) Object.assign(tenant.policy, drills);
    // A tenant whose boundary holds no offering of any model.
    tenants.nowhere = { policy: { ...drills, regions: { allow: ["ap-southeast-2"] } } };
    (document.keys as unknown[]).push({ name: "nowhere", key: `${testKey}-nowhere`, tenant: "nowhere" });
    document.health = { breaker: { consecutive_failures: 3, open_ms: 1_500 } };
  });
});
afterAll(async () => {
  await harness.close();
});
beforeEach(async () => {
  await harness.reset();
});

const hello = { model: "gpt-4o-mini", messages: [{ role: "user" as const, content: "Hello" }] };
const euClient = () =>
  new OpenAI({ apiKey: `${testKey}-eu`, baseURL: `${harness.gateway.url}/v1`, maxRetries: 0 });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("explains every routed answer", () => {
  it("names the chosen offering and why in x-switchyard-route", async () => {
    const { response } = await harness.client.chat.completions.create(hello).withResponse();
    expect(response.headers.get("x-switchyard-route")).toBe(
      "gpt-4o-mini@azure-eastus; preferred: launch partner of openai",
    );
    expectServedBy(response.headers, "azure-eastus", 1);
  });
});

describe("failure drills: the preferred offering fails, the next answers", () => {
  it("503 (after one retry in place)", async () => {
    await setFault(harness.emulator("azure-eastus"), { status: 503 });
    const { data, response } = await harness.client.chat.completions.create(hello).withResponse();
    expect(data.choices[0]?.message.content?.length).toBeGreaterThan(0);
    expect(data.choices[0]?.finish_reason).toBe("stop");
    expectServedBy(response.headers, "openai", 3);
  });

  it("429 with Retry-After: no retry in place, the circuit opens for that long", async () => {
    await setFault(harness.emulator("azure-eastus"), { status: 429, retry_after_s: 4 });
    const first = await harness.client.chat.completions.create(hello).withResponse();
    expectServedBy(first.response.headers, "openai", 2);
    // The open circuit keeps the next request off azure-eastus without trying it.
    const second = await harness.client.chat.completions.create(hello).withResponse();
    expectServedBy(second.response.headers, "openai", 1);
    expect(await requestCount(harness.emulator("azure-eastus"))).toBe(1);
  });

  it("a connection reset, streaming", async () => {
    await setFault(harness.emulator("azure-eastus"), { reset: true });
    const { data: stream, response } = await harness.client.chat.completions
      .create({ ...hello, stream: true })
      .withResponse();
    expect((await streamedText(stream)).length).toBeGreaterThan(0);
    expectServedBy(response.headers, "openai", 3);
  });

  it("no first token before the tenant's first-token timeout, streaming", async () => {
    await setFault(harness.emulator("azure-eastus"), { latency_ms: 5_000, match: "stream" });
    const { data: stream, response } = await harness.client.chat.completions
      .create({ ...hello, stream: true })
      .withResponse();
    expect((await streamedText(stream)).length).toBeGreaterThan(0);
    expectServedBy(response.headers, "openai", 3);
  });

  it("a stream cut before its first byte", async () => {
    await setFault(harness.emulator("azure-eastus"), { cut_after_chunks: 0 });
    const { data: stream, response } = await harness.client.chat.completions
      .create({ ...hello, stream: true })
      .withResponse();
    const whole = await harness.client.chat.completions.create(hello, {
      headers: { "x-switchyard-providers": "openai" },
    });
    expect(await streamedText(stream)).toBe(whole.choices[0]?.message.content);
    expectServedBy(response.headers, "openai", 3);
  });

  it("a 400 from upstream is returned at once, retried nowhere", async () => {
    await setFault(harness.emulator("azure-eastus"), { status: 400 });
    const error = (await harness.client.chat.completions.create(hello).catch((e: unknown) => e)) as APIError;
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error.headers?.get("x-switchyard-attempts")).toBe("1");
    expect(await requestCount(harness.emulator("azure-eastus"))).toBe(1);
    expect(await requestCount(harness.emulator("openai"))).toBe(0);
  });

  it("falls back to the tenant's fallback model when every offering of the model fails", async () => {
    await setFault(harness.emulator("azure-eastus"), { status: 503 });
    await setFault(harness.emulator("openai"), { status: 503 });
    const { data, response } = await harness.client.chat.completions.create(hello).withResponse();
    expect(data.choices[0]?.message.content?.length).toBeGreaterThan(0);
    expect(response.headers.get("x-switchyard-offering")).toMatch(/^gpt-oss-120b@/);
    expect(response.headers.get("x-switchyard-route")).toMatch(/; fallback model gpt-oss-120b; /);
  });
});

describe("circuit breaker", () => {
  it("opens after consecutive failures, then half-opens and closes on a good probe", async () => {
    await setFault(harness.emulator("azure-eastus"), { status: 500 });
    // Two failures on the first request, a third on the second: the breaker (3 in a row) opens.
    await harness.client.chat.completions.create(hello);
    await harness.client.chat.completions.create(hello);
    const skipped = await harness.client.chat.completions.create(hello).withResponse();
    expectServedBy(skipped.response.headers, "openai", 1);
    expect(await requestCount(harness.emulator("azure-eastus"))).toBe(3);

    await fetch(`${harness.emulator("azure-eastus").url}/__emulator/faults`, { method: "DELETE" });
    await sleep(1_600); // open_ms is 1,500
    const probe = await harness.client.chat.completions.create(hello).withResponse();
    expectServedBy(probe.response.headers, "azure-eastus", 1);
    expect(probe.response.headers.get("x-switchyard-route")).toMatch(/\(half-open probe\)$/);
    const closed = await harness.client.chat.completions.create(hello).withResponse();
    expect(closed.response.headers.get("x-switchyard-route")).not.toMatch(/half-open/);
  });
});

describe("the tenant's region boundary", () => {
  it("an EU-only tenant is served in the EU", async () => {
    const { response } = await euClient()
      .chat.completions.create({ ...hello, model: "gpt-nova" })
      .withResponse();
    expectServedBy(response.headers, "azure-swedencentral", 1);
  });

  it("is never crossed, even when everything inside it fails: a clear 503 names why", async () => {
    await setFault(harness.emulator("azure-swedencentral"), { status: 503 });
    const error = (await euClient()
      .chat.completions.create({ ...hello, model: "gpt-nova" })
      .catch((e: unknown) => e)) as APIError;
    expect(error.status).toBe(503);
    expect(error.message).toContain("outside the tenant's boundary, never tried: gpt-nova@azure-eastus");
    expect(error.message).toContain("region eastus is not allowed by the tenant's policy (eu)");
    expect(await requestCount(harness.emulator("azure-eastus"))).toBe(0);
    expect(await requestCount(harness.emulator("aws-us-east-1"))).toBe(0);
  });

  it("a header that narrows the plan to nothing is a 400 naming the header, not a 503 SDKs retry (issue 10)", async () => {
    const error = (await euClient()
      .chat.completions.create(
        { ...hello, model: "gpt-nova" },
        { headers: { "x-switchyard-providers": "gcp-europe-west4" } },
      )
      .catch((e: unknown) => e)) as APIError;
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error.code).toBe("no_offering_in_overrides");
    expect(error.param).toBe("x-switchyard-providers");
    expect(error.message).toContain("gpt-nova: no offering is eligible for this request (");
    expect(error.message).toContain("gcp-europe-west4: launch window until ");
  });

  it("a boundary that excludes every offering is a 403 that says why (issue 10)", async () => {
    const nowhere = new OpenAI({
      apiKey: `${testKey}-nowhere`,
      baseURL: `${harness.gateway.url}/v1`,
      maxRetries: 0,
    });
    const error = (await nowhere.chat.completions.create(hello).catch((e: unknown) => e)) as APIError;
    expect(error).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect(error.code).toBe("no_offering_in_boundary");
    expect(error.message).toContain("is not allowed by the tenant's policy (ap-southeast-2)");
  });
});

describe("retry guidance while circuits are open (issue 10, defect 5)", () => {
  it("the 503 no_offering_available after upstream 429s carries Retry-After: when the first circuit closes", async () => {
    // Over the 5 s cap: not waited for, the circuit opens for the cap.
    await setFault(harness.emulator("azure-swedencentral"), { status: 429, retry_after_s: 10 });
    const throttled = (await euClient()
      .chat.completions.create({ ...hello, model: "gpt-nova" })
      .catch((e: unknown) => e)) as APIError;
    expect(throttled.status).toBe(429);
    expect(throttled.headers?.get("retry-after")).toBe("10");
    const refused = (await euClient()
      .chat.completions.create({ ...hello, model: "gpt-nova" })
      .catch((e: unknown) => e)) as APIError;
    expect(refused.status).toBe(503);
    expect(refused.code).toBe("no_offering_available");
    const retryAfter = Number(refused.headers?.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(5);
    expect(await requestCount(harness.emulator("azure-swedencentral"))).toBe(1);
  });
});

describe("format limits are planning facts (issue 10, defect 3)", () => {
  it("an image link skips Bedrock Converse: after Anthropic and Vertex US fail, Vertex EU answers", async () => {
    const claude = [...harness.gateway.services.config.models.values()].find(
      (model) => model.vendor === "anthropic",
    )?.id;
    if (claude === undefined) throw new Error("the demo has no Claude");
    await setFault(harness.emulator("anthropic"), { status: 503 });
    await setFault(harness.emulator("gcp-us-central1"), { status: 503 });
    const { data, response } = await harness.client.chat.completions
      .create({
        model: claude,
        messages: [
          {
            role: "user",
            content: [
              { type: "text", text: "What is in this picture?" },
              { type: "image_url", image_url: { url: "https://example.com/yard.png" } },
            ],
          },
        ],
      })
      .withResponse();
    expect(data.choices[0]?.message.content?.length).toBeGreaterThan(0);
    expect(response.headers.get("x-switchyard-provider")).toBe("gcp-europe-west4");
    expect(await requestCount(harness.emulator("aws-us-east-1"))).toBe(0);
  });
});

describe("per-request overrides narrow, never widen", () => {
  const rejected = async (headers: Record<string, string>) =>
    (await harness.client.chat.completions.create(hello, { headers }).catch((e: unknown) => e)) as APIError;

  it("x-switchyard-strategy, -providers and -region pick within the tenant's bounds", async () => {
    const { response } = await harness.client.chat.completions
      .create(
        { ...hello, model: "gpt-oss-120b" },
        { headers: { "x-switchyard-strategy": "cheapest", "x-switchyard-region": "eu" } },
      )
      .withResponse();
    expectServedBy(response.headers, "gcp-europe-west4", 1);
    expect(response.headers.get("x-switchyard-route")).toMatch(/; cheapest: est\. \$/);
  });

  it("rejects unknown values with a 400 naming the header and the value", async () => {
    const strategy = await rejected({ "x-switchyard-strategy": "fastst" });
    expect(strategy).toBeInstanceOf(OpenAI.BadRequestError);
    expect(strategy.param).toBe("x-switchyard-strategy");
    expect(strategy.message).toContain('unknown strategy "fastst"');
    const provider = await rejected({ "x-switchyard-providers": "azure-eastus,nowhere" });
    expect(provider.param).toBe("x-switchyard-providers");
    expect(provider.message).toContain('unknown provider "nowhere"');
    const region = await rejected({ "x-switchyard-region": "EU West!" });
    expect(region.param).toBe("x-switchyard-region");
  });

  it("issue 9: x-switchyard-region: mars is a 400 naming the header, not a 503 no_offering_available", async () => {
    const mars = await rejected({ "x-switchyard-region": "eu,mars" });
    expect(mars).toBeInstanceOf(OpenAI.BadRequestError);
    expect(mars.code).toBe("invalid_request");
    expect(mars.param).toBe("x-switchyard-region");
    expect(mars.message).toContain('unknown region or geography "mars"');
  });
});

describe("POST /admin/plan", () => {
  const plan = (key: string, query = "", body: unknown = hello) =>
    fetch(`${harness.gateway.url}/admin/plan${query}`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });

  it("returns the plan for a request body, for any tenant and date", async () => {
    const response = await plan(testKey, "?tenant=eu-only&at=2099-01-01", { ...hello, model: "gpt-nova" });
    expect(response.status).toBe(200);
    const json = (await response.json()) as Record<string, unknown>;
    expect(json).toMatchObject({
      tenant: "eu-only",
      model: "gpt-nova",
      at: "2099-01-01",
      strategy: "preferred",
    });
    expect(json.candidates).toEqual([
      {
        provider: "azure-swedencentral",
        offering: "gpt-nova@azure-swedencentral",
        reason: "preferred: launch partner of openai",
      },
      {
        provider: "gcp-europe-west4",
        offering: "gpt-nova@gcp-europe-west4",
        reason: expect.stringMatching(/^preferred: by price/),
      },
    ]);
  });

  it("shows an offering whose dialect cannot take the request as excluded, with why", async () => {
    const claude = [...harness.gateway.services.config.models.values()].find(
      (model) => model.vendor === "anthropic",
    )?.id;
    const response = await plan(testKey, "", {
      model: claude,
      messages: [
        { role: "user", content: [{ type: "image_url", image_url: { url: "https://example.com/a.png" } }] },
      ],
    });
    const json = (await response.json()) as { excluded: { provider: string; reason: string }[] };
    expect(json.excluded).toContainEqual({
      provider: "aws-us-east-1",
      offering: `${claude}@aws-us-east-1`,
      reason: expect.stringContaining("Bedrock Converse accepts images only as inline bytes"),
    });
  });

  it("needs an admin key", async () => {
    const response = await plan(`${testKey}-eu`);
    expect(response.status).toBe(403);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("permission_denied");
  });
});
