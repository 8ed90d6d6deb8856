import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoConfigDocument, placeholderUpstreams } from "../config/demo.js";
import { resolveConfig } from "../config/load.js";
import { GatewayError } from "../errors/gateway-error.js";
import type { Store } from "../store/index.js";
import { testBackends, type TestStoreSpace } from "../../test/support/store-backends.js";
import { DirectoryAdmin, DirectoryInputError } from "./directory-admin.js";
import { Directory } from "./directory.js";

const config = resolveConfig(
  demoConfigDocument(placeholderUpstreams(), "sy-demo-directory-key", 4800),
  "demo",
  {},
);

function bearer(key: string): Record<string, string> {
  return { authorization: `Bearer ${key}` };
}

async function codeOf(run: () => unknown): Promise<string | undefined> {
  try {
    await run();
    return undefined;
  } catch (error) {
    if (error instanceof GatewayError) return error.code;
    if (error instanceof DirectoryInputError) return `${error.kind}:${error.param}`;
    throw error;
  }
}

describe.each(testBackends)("keys and tenants in the store ($name)", (backend) => {
  let space: TestStoreSpace;
  let store: Store;
  let admin: DirectoryAdmin;
  beforeAll(async () => {
    space = await backend.create();
    store = await space.open();
    admin = new DirectoryAdmin({ config, store: store.directory });
  });
  afterAll(async () => {
    await store.close();
    await space.remove();
  });

  it("a created key works at once, is stored only as a hash, and stops when revoked", async () => {
    const directory = new Directory({ config, store: store.directory, refreshMs: 60_000 });
    await directory.start();
    try {
      const created = await admin.createKey({ tenant: "demo", name: "ci-bot", limits: { rpm: 60 } });
      expect(created.key).toMatch(/^sk-sy-[0-9A-Za-z]{40}$/);
      expect(created.prefix).toBe(created.key?.slice(0, 12));
      const secret = created.key as string;
      // Not polled yet: the unknown key makes the directory read the store once.
      const key = await directory.authenticate(bearer(secret));
      expect(key).toMatchObject({ id: created.id, tenant: "demo", limits: { rpm: 60, tpm: undefined } });
      const rows = await store.directory.keys();
      expect(JSON.stringify(rows)).not.toContain(secret);

      await admin.revokeKey(created.prefix as string);
      await directory.refresh();
      expect(await codeOf(() => directory.authenticate(bearer(secret)))).toBe("key_revoked");
      // The name is free again once revoked.
      const again = await admin.createKey({ tenant: "demo", name: "ci-bot" });
      expect(again.id).not.toBe(created.id);
    } finally {
      directory.close();
    }
  });

  it("rotation gives a new secret for the same key; the old one stops", async () => {
    const directory = new Directory({ config, store: store.directory, refreshMs: 60_000 });
    await directory.start();
    try {
      const created = await admin.createKey({ tenant: "demo", name: "rotating" });
      const rotated = await admin.rotateKey(created.id);
      expect(rotated.id).toBe(created.id);
      expect(rotated.key).not.toBe(created.key);
      await directory.refresh();
      expect((await directory.authenticate(bearer(rotated.key as string))).id).toBe(created.id);
      expect(await codeOf(() => directory.authenticate(bearer(created.key as string)))).toBe(
        "invalid_api_key",
      );
    } finally {
      directory.close();
    }
  });

  it("an expired key is refused saying so", async () => {
    let now = Date.now();
    const clocked = new DirectoryAdmin({ config, store: store.directory, clock: () => now });
    const created = await clocked.createKey({
      tenant: "demo",
      expires: new Date(now + 86_400_000).toISOString(),
    });
    const directory = new Directory({ config, store: store.directory, clock: () => now });
    await directory.start();
    try {
      expect((await directory.authenticate(bearer(created.key as string))).id).toBe(created.id);
      now += 2 * 86_400_000;
      expect(await codeOf(() => directory.authenticate(bearer(created.key as string)))).toBe("key_expired");
    } finally {
      directory.close();
    }
  });

  it("refuses unknown tenants, duplicate names, widening narrowings, bad budgets and read-only entries", async () => {
    expect(await codeOf(() => admin.createKey({ tenant: "nobody" }))).toBe("invalid:tenant");
    await admin.createKey({ tenant: "demo", name: "taken" });
    expect(await codeOf(() => admin.createKey({ tenant: "demo", name: "taken" }))).toBe("duplicate:name");
    expect(await codeOf(() => admin.createKey({ tenant: "demo", models: ["no-such-model"] }))).toBe(
      "invalid:models[0]",
    );
    expect(await codeOf(() => admin.createKey({ tenant: "eu-only", regions: ["us"] }))).toBe(
      "invalid:regions[0]",
    );
    expect(
      await codeOf(() => admin.createKey({ tenant: "demo", budgets: [{ usd: -5, period: "month" }] })),
    ).toBe("invalid:budgets.0.usd");
    expect(
      await codeOf(() => admin.createKey({ tenant: "demo", budgets: [{ usd: 5, period: "fortnight" }] })),
    ).toBe("invalid:budgets.0.period");
    expect(await codeOf(() => admin.createKey({ tenant: "demo", expires: "tomorrow" }))).toBe(
      "invalid:expires",
    );
    expect(await codeOf(() => admin.revokeKey(config.keys[0]?.name ?? ""))).toBe("read_only:key");
    expect(await codeOf(() => admin.revokeKey("key_nope"))).toBe("not_found:key");
    expect(await codeOf(() => admin.updateTenant("demo", { limits: { rpm: 5 } }))).toBe("read_only:id");
    expect(await codeOf(() => admin.createTenant({ id: "demo" }))).toBe("duplicate:id");
    expect(
      await codeOf(() =>
        admin.createTenant({ id: "bad-policy", policy: { providers: { allow: ["nope"] } } }),
      ),
    ).toBe("invalid:policy.providers.allow[0]");
  });

  it("a store tenant routes by its own policy, and an update is seen after a refresh", async () => {
    const directory = new Directory({ config, store: store.directory, refreshMs: 60_000 });
    await directory.start();
    try {
      await admin.createTenant({ id: "acme", policy: { strategy: "cheapest" }, limits: { rpm: 100 } });
      await directory.refresh();
      expect(directory.tenant("acme")).toMatchObject({
        id: "acme",
        source: "store",
        limits: { rpm: 100 },
        policy: { strategy: "cheapest" },
      });
      const before = directory.version;
      await admin.updateTenant("acme", { budgets: [{ usd: 25, period: "month" }] });
      await directory.refresh();
      expect(directory.version).toBeGreaterThan(before);
      expect(directory.tenant("acme")).toMatchObject({
        limits: { rpm: 100 },
        budgets: [{ usd: 25, period: "month", mode: "hard" }],
      });
      expect((await admin.showTenant("acme")).budgets).toEqual([{ usd: 25, period: "month", mode: "hard" }]);
      const key = await admin.createKey({ tenant: "acme" });
      expect((await admin.listKeys({ tenant: "acme" })).map((each) => each.id)).toEqual([key.id]);
    } finally {
      directory.close();
    }
  });
});

describe("Directory without a store", () => {
  it("knows the configuration's keys, sent as Bearer (any case), api-key or x-api-key", async () => {
    const directory = new Directory({ config });
    await directory.start();
    const secret = "sy-demo-directory-key";
    expect((directory.authenticate(bearer(secret)) as { tenant: string }).tenant).toBe("demo");
    expect((directory.authenticate({ authorization: `bearer ${secret}` }) as { tenant: string }).tenant).toBe(
      "demo",
    );
    expect((directory.authenticate({ "api-key": secret }) as { tenant: string }).tenant).toBe("demo");
    expect((directory.authenticate({ "x-api-key": secret }) as { tenant: string }).tenant).toBe("demo");
    expect(await codeOf(() => directory.authenticate({}))).toBe("invalid_api_key");
    expect(await codeOf(() => directory.authenticate({ authorization: "Basic abc" }))).toBe(
      "invalid_api_key",
    );
    expect(await codeOf(() => directory.authenticate(bearer("sk-wrong")))).toBe("invalid_api_key");
  });
});
