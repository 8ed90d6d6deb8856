import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, testKey, type Harness } from "../support/harness.js";

/** `/admin/keys` and `/admin/tenants` over HTTP, as an operator's script would call them. */
describe("the admin directory API", () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness(
      (document) => {
        (document["keys"] as Record<string, unknown>[]).push({
          name: "plain",
          key: `${testKey}-plain`,
          tenant: "demo",
        });
      },
      { ledger: true },
    );
  });
  afterAll(async () => {
    await harness.close();
  });

  const call = async (
    method: string,
    path: string,
    body?: unknown,
    key = testKey,
  ): Promise<{ status: number; json: Record<string, unknown> }> => {
    const response = await fetch(`${harness.gateway.url}${path}`, {
      method,
      headers: {
        ...(key === "" ? {} : { authorization: `Bearer ${key}` }),
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  };
  const errorOf = (json: Record<string, unknown>): Record<string, unknown> =>
    json["error"] as Record<string, unknown>;

  it("needs an admin key: 401 without one, 403 with a plain key", async () => {
    expect((await call("GET", "/admin/keys", undefined, "")).status).toBe(401);
    const forbidden = await call("GET", "/admin/keys", undefined, `${testKey}-plain`);
    expect(forbidden.status).toBe(403);
    expect(errorOf(forbidden.json)["code"]).toBe("permission_denied");
  });

  it("creates a tenant and a key that works at once, shows its live budget, rotates and revokes it", async () => {
    const tenant = await call("POST", "/admin/tenants", {
      id: "acme",
      policy: { strategy: "cheapest" },
      budgets: [{ usd: 10, period: "month" }],
    });
    expect(tenant.status).toBe(201);
    const created = await call("POST", "/admin/keys", {
      tenant: "acme",
      name: "acme-app",
      limits: { rpm: 50 },
      budgets: [{ usd: 1, period: "day" }],
    });
    expect(created.status).toBe(201);
    const secret = created.json["key"] as string;
    const id = created.json["id"] as string;
    const client = new OpenAI({ apiKey: secret, baseURL: `${harness.gateway.url}/v1`, maxRetries: 0 });
    const answer = await client.chat.completions.create({
      model: "gpt-4o-mini",
      max_tokens: 50,
      messages: [{ role: "user", content: "hello from acme" }],
    });
    expect(answer.choices[0]?.message.content).toBeTruthy();

    const shown = await call("GET", `/admin/keys/${id}`);
    expect(shown.status).toBe(200);
    expect(shown.json).not.toHaveProperty("key");
    const state = shown.json["budget_state"] as Record<string, unknown>[];
    expect(state.map((budget) => [budget["scope"], budget["period"]])).toEqual([
      ["key", "day"],
      ["tenant", "month"],
    ]);
    expect(state[0]?.["spent_usd"]).toBeGreaterThan(0);
    expect(state[0]?.["reserved_usd"]).toBe(0);

    const rotated = await call("POST", `/admin/keys/${id}/rotate`);
    expect(rotated.status).toBe(200);
    const stale = await client.models.list().catch((error: unknown) => error);
    expect(stale).toBeInstanceOf(OpenAI.AuthenticationError);
    const fresh = new OpenAI({
      apiKey: rotated.json["key"] as string,
      baseURL: `${harness.gateway.url}/v1`,
      maxRetries: 0,
    });
    expect((await fresh.models.list()).data.length).toBeGreaterThan(0);

    const revoked = await call("DELETE", `/admin/keys/${id}`);
    expect(revoked.json["status"]).toBe("revoked");
    const refused = await fresh.models.list().catch((error: unknown) => error);
    expect((refused as InstanceType<typeof OpenAI.AuthenticationError>).code).toBe("key_revoked");

    const updated = await call("PATCH", "/admin/tenants/acme", { limits: { rpm: 5 } });
    expect(updated.json).toMatchObject({
      id: "acme",
      limits: { rpm: 5 },
      budgets: [{ usd: 10, period: "month" }],
    });
    const listed = await call("GET", "/admin/tenants");
    expect((listed.json["data"] as { id: string }[]).map((each) => each.id)).toContain("acme");
  });

  it("a key narrowed to a provider is routed only there", async () => {
    const created = await call("POST", "/admin/keys", { tenant: "demo", providers: ["openai"] });
    expect(created.status).toBe(201);
    const client = new OpenAI({
      apiKey: created.json["key"] as string,
      baseURL: `${harness.gateway.url}/v1`,
      maxRetries: 0,
    });
    const { response } = await client.chat.completions
      .create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "narrow" }] })
      .withResponse();
    expect(response.headers.get("x-switchyard-provider")).toBe("openai");
    // The tenant's own plan starts at the launch partner: the key's narrowing is what moved it.
    const { response: wide } = await harness.client.chat.completions
      .create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "wide" }] })
      .withResponse();
    expect(wide.headers.get("x-switchyard-provider")).not.toBe("openai");
  });

  it("bad input gets 400s naming the field, unknown ids 404s, wrong methods 405s", async () => {
    const cases: [unknown, string][] = [
      [{ tenant: "nobody" }, "tenant"],
      [{ tenant: "demo", budgets: [{ usd: -1, period: "day" }] }, "budgets.0.usd"],
      [{ tenant: "demo", budgets: [{ usd: 1, period: "decade" }] }, "budgets.0.period"],
      [{ tenant: "demo", limits: { rpm: 0 } }, "limits.rpm"],
      [{ tenant: "demo", surprise: true }, "body"],
    ];
    for (const [body, param] of cases) {
      const answer = await call("POST", "/admin/keys", body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(errorOf(answer.json)["param"], JSON.stringify(body)).toBe(param);
    }
    await call("POST", "/admin/keys", { tenant: "demo", name: "twice" });
    const duplicate = await call("POST", "/admin/keys", { tenant: "demo", name: "twice" });
    expect(duplicate.status).toBe(400);
    expect(errorOf(duplicate.json)["message"]).toMatch(/already named "twice"/);
    const missing = await call("GET", "/admin/keys/key_missing");
    expect(missing.status).toBe(404);
    expect(errorOf(missing.json)["code"]).toBe("not_found");
    expect((await call("PUT", "/admin/keys")).status).toBe(405);
    const readOnly = await call("PATCH", "/admin/tenants/demo", { limits: { rpm: 1 } });
    expect(readOnly.status).toBe(400);
    expect(errorOf(readOnly.json)["message"]).toMatch(/configuration file/);
  });
});
