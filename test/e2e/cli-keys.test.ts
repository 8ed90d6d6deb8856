import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { run } from "../support/cli-process.js";

/*
 * The operator's loop on the demo, as a user runs it: `npm start` serving, `switchyard keys create` in
 * another terminal (the same configuration lookup, so the same ./data/demo.db), the key used at once by
 * the official SDK, then revoked and refused within `governance.refresh_ms` (1 s by default).
 */
describe("switchyard keys against a running gateway", () => {
  it("a key created with the CLI works at once; a revoked one stops within the refresh bound", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "switchyard-cli-keys-"));
    const server = run(
      ["serve", "--port", "0", "--no-pacing"],
      { SWITCHYARD_DEMO_KEY: "sy-demo-keys-test" },
      cwd,
    );
    const [, url] = await server.waitFor(/gateway\s+(http:\/\/127\.0\.0\.1:\d+)\/v1\n/);

    const create = run(
      ["keys", "create", "--tenant", "demo", "--name", "ci-bot", "--rpm", "100", "--json"],
      {},
      cwd,
    );
    expect(await create.exited).toBe(0);
    const created = JSON.parse(create.output().stdout) as { key: string; id: string; prefix: string };
    expect(created.key.startsWith(created.prefix)).toBe(true);

    const client = new OpenAI({ apiKey: created.key, baseURL: `${url}/v1`, maxRetries: 0 });
    const { response } = await client.chat.completions
      .create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "new key" }] })
      .withResponse();
    expect(response.status).toBe(200);
    expect(response.headers.get("x-ratelimit-limit-requests")).toBe("100");

    const list = run(["keys", "list"], {}, cwd);
    expect(await list.exited).toBe(0);
    expect(list.output().stdout).toMatch(
      new RegExp(`${created.id}\\s+ci-bot\\s+${created.prefix}\\s+demo\\s+active`),
    );

    const revoke = run(["keys", "revoke", created.prefix], {}, cwd);
    expect(await revoke.exited).toBe(0);
    const revokedAt = Date.now();
    let refused: unknown;
    while (refused === undefined && Date.now() - revokedAt < 6_000) {
      refused = await client.chat.completions
        .create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "still there?" }] })
        .then(
          () => undefined,
          (error: unknown) => error,
        );
      if (refused === undefined) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const elapsed = Date.now() - revokedAt;
    // The documented bound is one refresh period (1 s) after the revocation commits, plus the time of the
    // request that sees it; the slack is for a loaded CI machine, not for the gateway.
    expect(elapsed).toBeLessThan(3_000);
    expect(refused).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((refused as InstanceType<typeof OpenAI.AuthenticationError>).code).toBe("key_revoked");

    const show = run(["keys", "show", created.id, "--json"], {}, cwd);
    expect(await show.exited).toBe(0);
    expect(JSON.parse(show.output().stdout)).toMatchObject({ id: created.id, status: "revoked" });

    const bad = run(["keys", "create", "--tenant", "nobody"], {}, cwd);
    expect(await bad.exited).toBe(2);
    expect(bad.output().stderr).toMatch(/--tenant: unknown tenant "nobody"/);
    server.child.kill("SIGTERM");
    expect(await server.exited).toBe(0);
  }, 30_000);

  it("tenants create, update and show; a file tenant is read-only", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "switchyard-cli-tenants-"));
    const create = run(
      ["tenants", "create", "acme", "--strategy", "cheapest", "--allow-regions", "eu", "--rpm", "10"],
      {},
      cwd,
    );
    expect(await create.exited).toBe(0);
    const update = run(
      ["tenants", "update", "acme", "--budget", "5", "--period", "month", "--soft"],
      {},
      cwd,
    );
    expect(await update.exited).toBe(0);
    const show = run(["tenants", "show", "acme", "--json"], {}, cwd);
    expect(await show.exited).toBe(0);
    expect(JSON.parse(show.output().stdout)).toMatchObject({
      id: "acme",
      source: "store",
      policy: { strategy: "cheapest", regions: { allow: ["eu"] } },
      limits: { rpm: 10, tpm: null },
      budgets: [{ usd: 5, period: "month", mode: "soft" }],
    });
    const key = run(["keys", "create", "--tenant", "acme", "--regions", "us"], {}, cwd);
    expect(await key.exited).toBe(2);
    expect(key.output().stderr).toMatch(/regions\[0\]: region "us" is outside tenant "acme"'s regions/);
    const readOnly = run(["tenants", "update", "demo", "--rpm", "5"], {}, cwd);
    expect(await readOnly.exited).toBe(2);
    expect(readOnly.output().stderr).toMatch(/configuration file/);
    const list = run(["tenants", "list"], {}, cwd);
    expect(await list.exited).toBe(0);
    expect(list.output().stdout).toMatch(/acme\s+cheapest\s+10\s+-\s+\$5\/month soft\s+store/);
  }, 30_000);
});
