import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PROVIDERS, demoConfigDocument } from "../../src/config/demo.js";
import { startEmulators, type RunningEmulator } from "../../src/emulators/index.js";
import { run } from "../support/cli-process.js";
import { requestCount, setFault } from "../support/harness.js";
import { deleteKeys, RedisChild, testKeyPrefix, testRedisUrl } from "../support/redis-server.js";
import { testPostgresUrl } from "../support/store-backends.js";

/*
 * Two gateway processes (`switchyard serve`, as deployed) on one real Redis and one real PostgreSQL:
 * one rate limit, one budget and one set of circuits for both; and a Redis that goes away mid-test.
 */

const key = "sk-replicas-test-key";

interface Gateway {
  readonly url: string;
  readonly client: OpenAI;
  stop(): Promise<number | null>;
}

let fleet: Awaited<ReturnType<typeof startEmulators>>;
const emulator = (name: string): RunningEmulator => {
  const found = fleet.emulators.find((each) => each.name === name);
  if (found === undefined) throw new Error(`no emulator ${name}`);
  return found;
};

beforeAll(async () => {
  fleet = await startEmulators({ apiKeyPrefix: "replicas", fleet: DEMO_PROVIDERS });
});
afterAll(async () => {
  await fleet.close();
});

/** Writes a configuration file for the demo catalog on the test's emulators, with `changes` laid over it. */
function configFile(changes: (document: Record<string, unknown>) => void): string {
  const upstreams = new Map(fleet.emulators.map((each) => [each.name, each]));
  const document = demoConfigDocument(upstreams, key, 0) as Record<string, unknown>;
  document["server"] = { host: "127.0.0.1", port: 0 };
  document["log"] = { level: "info", requests: false };
  document["ledger"] = { flush_interval_ms: 50 };
  changes(document);
  const file = join(mkdtempSync(join(tmpdir(), "switchyard-replicas-")), "switchyard.yaml");
  writeFileSync(file, JSON.stringify(document));
  return file;
}

async function serve(file: string): Promise<Gateway> {
  const server = run(["serve", "--config", file, "--port", "0"], {}, undefined, true);
  const [, url] = await server.waitFor(/"url":"(http:\/\/127\.0\.0\.1:\d+)"/);
  return {
    url: url ?? "",
    client: new OpenAI({ apiKey: key, baseURL: `${url ?? ""}/v1`, maxRetries: 0 }),
    async stop() {
      server.child.kill("SIGTERM");
      return server.exited;
    },
  };
}

async function chat(
  gateway: Gateway,
  content = "hello",
  client = gateway.client,
): Promise<{ status: number; headers: Headers; code?: string }> {
  try {
    const { response } = await client.chat.completions
      .create({ model: "gpt-4o-mini", max_tokens: 100, messages: [{ role: "user", content }] })
      .withResponse();
    return { status: response.status, headers: response.headers };
  } catch (error) {
    if (!(error instanceof OpenAI.APIError)) throw error;
    return { status: error.status ?? 0, headers: error.headers ?? new Headers(), code: String(error.code) };
  }
}

describe("two replicas on one Redis and one PostgreSQL", () => {
  const schema = `replicas_${process.pid}_${Date.now().toString(36)}`;
  const prefix = testKeyPrefix("replicas");
  const database = `${testPostgresUrl}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  const gateways: Gateway[] = [];

  beforeAll(async () => {
    const client = new pg.Client({ connectionString: testPostgresUrl });
    await client.connect();
    await client.query(`create schema "${schema}"`);
    await client.end();
    const file = configFile((document) => {
      document["database"] = { url: database };
      // A generous timeout: this test is about one limit for both, not about a slow Redis.
      document["redis"] = { url: testRedisUrl, key_prefix: prefix, on_failure: "closed", timeout_ms: 2_000 };
      document["health"] = { breaker: { consecutive_failures: 2, open_ms: 60_000 } };
      const tenants = document["tenants"] as Record<string, Record<string, unknown>>;
      tenants["demo"] = { ...tenants["demo"], limits: { rpm: 60 } };
      tenants["budgeted"] = { budgets: [{ usd: 0.0008, period: "day" }] };
      tenants["free"] = { policy: { strategy: "preferred" } };
      (document["keys"] as Record<string, unknown>[]).push(
        { name: "budgeted", key: `${key}-budget`, tenant: "budgeted" },
        { name: "free", key: `${key}-free`, tenant: "free" },
      );
    });
    gateways.push(await serve(file), await serve(file));
  }, 60_000);

  afterAll(async () => {
    for (const gateway of gateways) expect(await gateway.stop()).toBe(0);
    const client = new pg.Client({ connectionString: testPostgresUrl });
    await client.connect();
    await client.query(`drop schema if exists "${schema}" cascade`);
    await client.end();
    await deleteKeys(testRedisUrl, prefix);
  });

  it("a limit of 60 requests a minute holds at 60 across both, not 120", async () => {
    const [a, b] = gateways as [Gateway, Gateway];
    const started = Date.now();
    const results = await Promise.all(
      Array.from({ length: 150 }, (_, index) => chat(index % 2 === 0 ? a : b, `burst ${index}`)),
    );
    const seconds = (Date.now() - started) / 1000;
    const admitted = results.filter((result) => result.status === 200).length;
    // The bucket starts full (60) and refills at one a second while the burst runs.
    expect(admitted).toBeGreaterThanOrEqual(60);
    expect(admitted).toBeLessThanOrEqual(60 + Math.ceil(seconds));
    const refused = results.filter((result) => result.status === 429);
    expect(refused.length).toBe(150 - admitted);
    for (const result of refused) expect(result.code).toBe("rate_limit_exceeded");
    // Both replicas admitted some, and both refused some: the limit is theirs together.
    for (const parity of [0, 1]) {
      const mine = results.filter((_, index) => index % 2 === parity);
      expect(mine.some((result) => result.status === 200)).toBe(true);
      expect(mine.some((result) => result.status === 429)).toBe(true);
    }
  });

  it("a budget is not overspent across both, and the ledger in PostgreSQL holds every request once", async () => {
    const [a, b] = gateways as [Gateway, Gateway];
    const budgeted = (gateway: Gateway) =>
      new OpenAI({ apiKey: `${key}-budget`, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, index) =>
        budgeted(index % 2 === 0 ? a : b)
          .chat.completions.create({
            model: "gpt-4o-mini",
            max_tokens: 300,
            messages: [{ role: "user", content: `spend ${index}` }],
          })
          .then(
            () => 200,
            (error: unknown) =>
              error instanceof OpenAI.APIError ? `${error.status} ${String(error.code)}` : "?",
          ),
      ),
    );
    expect(results).toContain(200);
    expect(results).toContain("429 budget_exceeded");
    // Each replica writes its rows within the ledger's flush interval.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const client = new pg.Client({ connectionString: database });
    await client.connect();
    try {
      const { rows } = await client.query<{ n: string; spent: number | null }>(
        `select count(*) as n, sum(cost_usd) as spent from ledger_entries where tenant = 'budgeted'`,
      );
      expect(Number(rows[0]?.n)).toBe(40);
      expect(Number(rows[0]?.spent)).toBeGreaterThan(0);
      expect(Number(rows[0]?.spent)).toBeLessThanOrEqual(0.0008);
    } finally {
      await client.end();
    }
  });

  it("a circuit opened by one replica's failures is seen by the other", async () => {
    const [a, b] = gateways as [Gateway, Gateway];
    // A key of its own, without limits: the demo tenant's minute was used up above.
    const free = (gateway: Gateway) =>
      new OpenAI({ apiKey: `${key}-free`, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
    const azure = emulator("azure-eastus");
    await setFault(azure, { status: 503 });
    try {
      // Replica A tries the launch partner, fails twice (the breaker's threshold) and fails over.
      const first = await chat(a, "trip the breaker", free(a));
      expect(first.status).toBe(200);
      expect(first.headers.get("x-switchyard-provider")).toBe("openai");
      await new Promise((resolve) => setTimeout(resolve, 500));
      const before = await requestCount(azure);
      // Replica B never tried Azure itself: it skips it at once because A's circuit reached it.
      const second = await chat(b, "skip the open circuit", free(b));
      expect(second.status).toBe(200);
      expect(second.headers.get("x-switchyard-provider")).toBe("openai");
      expect(second.headers.get("x-switchyard-attempts")).toBe("1");
      expect(await requestCount(azure)).toBe(before);
    } finally {
      await setFault(azure, { reset: true });
    }
  });
});

describe("Redis stopped in the middle", () => {
  const redis = new RedisChild();
  const gateways: Partial<Record<"open" | "closed", Gateway>> = {};

  beforeAll(async () => {
    await redis.start();
    for (const mode of ["open", "closed"] as const) {
      const file = configFile((document) => {
        document["database"] = { file: ":memory:" };
        document["redis"] = {
          url: redis.url,
          key_prefix: `drill-${mode}:`,
          on_failure: mode,
          timeout_ms: 100,
        };
        const tenants = document["tenants"] as Record<string, Record<string, unknown>>;
        tenants["demo"] = { ...tenants["demo"], limits: { rpm: 10_000 } };
      });
      gateways[mode] = await serve(file);
    }
  }, 60_000);

  afterAll(async () => {
    for (const gateway of Object.values(gateways)) await gateway.stop();
    await redis.kill();
  });

  it("fail-open serves unchecked and says so, fail-closed refuses with 503; both recover when Redis is back", async () => {
    const open = gateways.open as Gateway;
    const closed = gateways.closed as Gateway;
    for (const gateway of [open, closed]) {
      const answer = await chat(gateway);
      expect(answer.status).toBe(200);
      expect(answer.headers.get("x-ratelimit-limit-requests")).toBe("10000");
    }
    await redis.kill();
    const unchecked = await chat(open);
    expect(unchecked.status).toBe(200);
    expect(unchecked.headers.get("x-switchyard-governance")).toMatch(/^unenforced/);
    expect(unchecked.headers.get("x-ratelimit-limit-requests")).toBeNull();
    const refused = await chat(closed);
    expect(refused.status).toBe(503);
    expect(refused.code).toBe("governance_unavailable");
    expect(refused.headers.get("retry-after")).toBe("1");

    await redis.start();
    for (const gateway of [open, closed]) {
      let answer = await chat(gateway);
      const deadline = Date.now() + 10_000;
      while (answer.headers.get("x-ratelimit-limit-requests") === null && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        answer = await chat(gateway);
      }
      expect(answer.status).toBe(200);
      expect(answer.headers.get("x-ratelimit-limit-requests")).toBe("10000");
      expect(answer.headers.get("x-switchyard-governance")).toBeNull();
    }
  }, 60_000);

  it("a Redis that is down at start: with on_failure closed, one line and exit status 5", async () => {
    const file = configFile((document) => {
      document["database"] = { file: ":memory:" };
      document["redis"] = { url: "redis://user:secret-password@127.0.0.1:1", on_failure: "closed" };
    });
    const server = run(["serve", "--config", file, "--port", "0"]);
    expect(await server.exited).toBe(5);
    const { stderr } = server.output();
    expect(stderr).toMatch(/Redis at 127\.0\.0\.1:1 is unavailable: .*ECONNREFUSED/);
    expect(stderr).not.toContain("secret-password");
    expect(stderr.trim().split("\n")).toHaveLength(1);
  });

  it("a Redis that is down at start: with on_failure open, a warning, and serving unchecked until it answers", async () => {
    const later = new RedisChild();
    await later.start();
    const url = later.url;
    await later.kill();
    const file = configFile((document) => {
      document["database"] = { file: ":memory:" };
      document["redis"] = { url, on_failure: "open", key_prefix: "drill-late:" };
      const tenants = document["tenants"] as Record<string, Record<string, unknown>>;
      tenants["demo"] = { ...tenants["demo"], limits: { rpm: 10_000 } };
    });
    const server = run(["serve", "--config", file, "--port", "0"]);
    const [, base] = await server.waitFor(/"url":"(http:\/\/127\.0\.0\.1:\d+)"/);
    expect(server.output().stdout).toMatch(/"level":40.*Redis at 127\.0\.0\.1:\d+ is unavailable/);
    const gateway: Gateway = {
      url: base ?? "",
      client: new OpenAI({ apiKey: key, baseURL: `${base ?? ""}/v1`, maxRetries: 0 }),
      stop: () => Promise.resolve(0),
    };
    const unchecked = await chat(gateway);
    expect(unchecked.status).toBe(200);
    expect(unchecked.headers.get("x-switchyard-governance")).toMatch(/^unenforced/);
    await later.start();
    try {
      let answer = await chat(gateway);
      const deadline = Date.now() + 10_000;
      while (answer.headers.get("x-ratelimit-limit-requests") === null && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        answer = await chat(gateway);
      }
      expect(answer.headers.get("x-ratelimit-limit-requests")).toBe("10000");
    } finally {
      await later.kill();
    }
  }, 60_000);
});
