import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toNanos } from "../../src/governance/counters.js";
import { budgetWindow } from "../../src/governance/budget-window.js";
import { startHarness, testKey, type Harness } from "../support/harness.js";

/*
 * Rate limits and budgets end to end, with the official SDKs as clients: OpenAI's rate-limit headers on
 * every answer, 429s in each client's envelope, and a hard budget under 200 concurrent requests that is
 * never overspent and whose settled spend equals the ledger's.
 */

const limitedKey = `${testKey}-limited`;
const budgetKey = `${testKey}-budget`;
const softKey = `${testKey}-soft`;

describe("rate limits and budgets", () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness(
      (document) => {
        const keys = document["keys"] as Record<string, unknown>[];
        keys.push(
          { name: "limited", key: limitedKey, tenant: "demo", limits: { rpm: 3, tpm: 100_000 } },
          { name: "budget", key: budgetKey, tenant: "demo", budgets: [{ usd: 0.001, period: "day" }] },
          {
            name: "soft",
            key: softKey,
            tenant: "demo",
            budgets: [{ usd: 0.000001, period: "month", mode: "soft" }],
          },
        );
      },
      { ledger: true },
    );
  });
  afterAll(async () => {
    await harness.close();
  });

  const client = (key: string): OpenAI =>
    new OpenAI({ apiKey: key, baseURL: `${harness.gateway.url}/v1`, maxRetries: 0 });

  it("answers carry OpenAI's x-ratelimit headers, and the request over the limit gets a 429 with Retry-After", async () => {
    const openai = client(limitedKey);
    const remaining: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { response } = await openai.chat.completions
        .create({ model: "gpt-4o-mini", messages: [{ role: "user", content: `hello ${i}` }] })
        .withResponse();
      expect(response.headers.get("x-ratelimit-limit-requests")).toBe("3");
      expect(response.headers.get("x-ratelimit-reset-requests")).toMatch(/^\d+(\.\d+)?(ms|s)$|^\d+m[\d.]+s$/);
      expect(response.headers.get("x-ratelimit-limit-tokens")).toBe("100000");
      expect(Number(response.headers.get("x-ratelimit-remaining-tokens"))).toBeLessThan(100_000);
      remaining.push(response.headers.get("x-ratelimit-remaining-requests") ?? "");
    }
    expect(remaining).toEqual(["2", "1", "0"]);
    const refused = await openai.chat.completions
      .create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "one more" }] })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OpenAI.RateLimitError);
    const error = refused as InstanceType<typeof OpenAI.RateLimitError>;
    expect(error.status).toBe(429);
    expect(error.code).toBe("rate_limit_exceeded");
    expect(error.type).toBe("requests");
    expect(error.message).toMatch(
      /Rate limit reached for key "limited" on requests per minute \(RPM\): Limit 3/,
    );
    expect(Number(error.headers?.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(error.headers?.get("x-ratelimit-remaining-requests")).toBe("0");
  });

  it("an Anthropic client gets the refusal in Anthropic's envelope", async () => {
    const anthropic = new Anthropic({ apiKey: limitedKey, baseURL: harness.gateway.url, maxRetries: 0 });
    const refused = await anthropic.messages
      .create({ model: "claude-sonnet-4-6", max_tokens: 50, messages: [{ role: "user", content: "hi" }] })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(Anthropic.RateLimitError);
    expect((refused as InstanceType<typeof Anthropic.RateLimitError>).error).toMatchObject({
      type: "error",
      error: { type: "rate_limit_error" },
    });
  });

  it("200 concurrent requests never overspend a hard budget, and the settled spend equals the ledger's", async () => {
    const openai = client(budgetKey);
    const outcomes = await Promise.all(
      Array.from({ length: 200 }, (_, index) =>
        openai.chat.completions
          .create({
            model: "gpt-4o-mini",
            max_tokens: 400,
            messages: [{ role: "user", content: `Write about budgets, take ${index}.` }],
          })
          .withResponse()
          .then(
            ({ response }) => ({ ok: true as const, id: response.headers.get("x-request-id") }),
            (error: unknown) => ({ ok: false as const, error }),
          ),
      ),
    );
    const served = outcomes.filter((outcome) => outcome.ok);
    const refused = outcomes.filter((outcome) => !outcome.ok);
    expect(served.length).toBeGreaterThan(0);
    expect(refused.length).toBeGreaterThan(0);
    for (const outcome of refused) {
      const error = outcome.error as InstanceType<typeof OpenAI.APIError>;
      expect(error.status).toBe(429);
      expect(error.code).toBe("budget_exceeded");
      expect(error.type).toBe("insufficient_quota");
      expect(error.message).toMatch(/The day budget of key "budget" \(\$0\.001\) cannot take this request/);
      expect(error.message).toMatch(/It resets at \d{4}-\d{2}-\d{2}T00:00:00\.000Z\./);
    }

    const services = harness.gateway.services;
    // Every report has been settled once the answers are in and the ledger has written them.
    for (const outcome of served) expect(await harness.ledgerRow(outcome.id ?? null)).toBeDefined();
    const key = services.directory.key("budget");
    expect(key).toBeDefined();
    const [state] = await services.governor.budgetsOf(key!, Date.now());
    expect(state?.reservedUsd).toBe(0);
    let ledgerNanos = 0;
    let rows = 0;
    const window = budgetWindow("day", Date.now());
    for await (const row of harness.store!.ledger.rows({ from: window.start ?? 0 }))
      if (row.keyId === "budget") {
        rows += 1;
        ledgerNanos += toNanos(row.costUsd ?? 0);
      }
    expect(rows).toBe(200);
    expect(toNanos(state?.spentUsd ?? -1)).toBe(ledgerNanos);
    expect(ledgerNanos).toBeGreaterThan(0);
    expect(ledgerNanos).toBeLessThanOrEqual(toNanos(0.001));
  });

  it("a soft budget answers with a warning header instead of refusing", async () => {
    const openai = client(softKey);
    for (let i = 0; i < 2; i++) {
      const { response } = await openai.chat.completions
        .create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "over budget, softly" }] })
        .withResponse();
      expect(response.status).toBe(200);
      if (i === 1)
        expect(response.headers.get("x-switchyard-budget-warning")).toBe(
          'soft budget exceeded: key "soft" month $0.000001',
        );
    }
  });

  it("a key without limits gets no rate-limit headers", async () => {
    const { response } = await harness.client.chat.completions
      .create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "free" }] })
      .withResponse();
    expect(response.headers.get("x-ratelimit-limit-requests")).toBeNull();
  });
});
