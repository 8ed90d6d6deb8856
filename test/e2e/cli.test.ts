import { createServer, type AddressInfo } from "node:net";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { run } from "../support/cli-process.js";

const manifest = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
  version: string;
};

describe("switchyard serve (demo mode)", () => {
  it("serves the demo with a printed key and curl line, and exits 0 on SIGTERM", async () => {
    const server = run(["serve", "--port", "0", "--no-pacing"], { SWITCHYARD_DEMO_KEY: "sy-demo-cli-test" });
    const [, url] = await server.waitFor(/gateway\s+(http:\/\/127\.0\.0\.1:\d+)\/v1\n/);
    expect(server.output().stdout).toContain("demo key     sy-demo-cli-test");
    expect(server.output().stdout).toContain("EU-only key  sy-demo-cli-test-eu");
    expect(server.output().stdout).toContain("curl http://127.0.0.1:");
    const response = await fetch(`${url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: "Bearer sy-demo-cli-test", "content-type": "application/json" },
      body: JSON.stringify({
        model: "gpt-4o-mini",
        messages: [{ role: "user", content: "Hello, Switchyard!" }],
      }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { choices: { message: { content: string } }[] };
    expect(body.choices[0]?.message.content.length).toBeGreaterThan(0);
    server.child.kill("SIGTERM");
    expect(await server.exited).toBe(0);
  });
});

describe("switchyard with a configuration file", () => {
  it("refuses an invalid file, naming the path and the reason", async () => {
    const dir = mkdtempSync(join(tmpdir(), "switchyard-cli-"));
    writeFileSync(
      join(dir, "switchyard.yaml"),
      [
        "keys: [{ name: k, key: sk-0123456789 }]",
        "providers:",
        "  azure-eastus: { kind: azure, endpoint: not-a-url, api_key: x }",
        "models: {}",
        "offerings: []",
      ].join("\n"),
    );
    const server = run(["serve"], {}, dir);
    expect(await server.exited).toBe(3);
    expect(server.output().stderr).toContain(
      "providers.azure-eastus.endpoint: must be an http(s) URL such as https://example.com",
    );
  });

  it("an unreachable database.url is one line naming where and why, and status 5 (issue 11)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "switchyard-cli-"));
    writeFileSync(
      join(dir, "switchyard.yaml"),
      [
        "keys: [{ name: k, key: sk-0123456789 }]",
        "providers:",
        "  openai: { kind: openai, api_key: x }",
        "models: { gpt-4o-mini: { vendor: openai, capabilities: [chat] } }",
        "offerings: [{ model: gpt-4o-mini, provider: openai }]",
        "database: { url: 'postgres://switchyard:hunter2@127.0.0.1:1/ledger' }",
      ].join("\n"),
    );
    for (const command of [["serve"], ["report", "spend"]]) {
      const child = run(command, {}, dir);
      expect(await child.exited).toBe(5);
      const { stderr } = child.output();
      expect(stderr.trim().split("\n")).toHaveLength(1);
      expect(stderr).toContain("cannot open the PostgreSQL store at 127.0.0.1:1/ledger");
      expect(stderr).not.toContain("hunter2");
    }
  });

  it("check prints what a valid file would serve, and exits 3 naming a key's unknown tenant", async () => {
    const dir = mkdtempSync(join(tmpdir(), "switchyard-cli-"));
    const file = (tenant: string) =>
      [
        `keys: [{ name: k, key: "\${TEAM_KEY}", tenant: ${tenant} }]`,
        "tenants: { platform: { policy: { regions: { allow: [eu] } } } }",
        "providers:",
        "  azure-swedencentral: { kind: azure, region: swedencentral, endpoint: https://r.openai.azure.com, api_key: x }",
        "  spare: { kind: openai, api_key: y }",
        "models: { gpt-4o-mini: { vendor: openai, capabilities: [chat] } }",
        "offerings: [{ model: gpt-4o-mini, provider: azure-swedencentral, deployment: mini }]",
        "agreements: [{ vendor: openai, channel: azure-swedencentral, terms: preferential }]",
      ].join("\n");
    writeFileSync(join(dir, "good.yaml"), file("platform"));
    writeFileSync(join(dir, "typo.yaml"), file("platfrom"));
    const good = run(
      ["check", "--config", "good.yaml", "--at", "2026-12-01"],
      { TEAM_KEY: "sk-team-0123" },
      dir,
    );
    expect(await good.exited).toBe(0);
    const { stdout } = good.output();
    expect(stdout).toContain(`Configuration ${join(dir, "good.yaml")} is valid.`);
    expect(stdout).toMatch(
      /^ {2}azure-swedencentral +azure +swedencentral +https:\/\/r\.openai\.azure\.com$/m,
    );
    expect(stdout).toMatch(/^ {2}gpt-4o-mini +openai +chat +1 offering, 1 available$/m);
    expect(stdout).toMatch(/^ {2}gpt-4o-mini@azure-swedencentral +mini +available/m);
    expect(stdout).toMatch(
      /^Agreements in force at 2026-12-01 \(1 of 1\):\n {2}openai +azure-swedencentral +preferential$/m,
    );
    expect(stdout).toContain("providers.spare: no offering uses it");
    const typo = run(["check", "--config", "typo.yaml"], { TEAM_KEY: "sk-team-0123" }, dir);
    expect(await typo.exited).toBe(3);
    expect(typo.output().stderr).toContain(
      'keys[0].tenant: unknown tenant "platfrom" (did you mean "platform"?)',
    );
    const unset = run(["check", "--config", "good.yaml"], {}, dir);
    expect(await unset.exited).toBe(3);
    expect(unset.output().stderr).toContain("keys[0].key: environment variable TEAM_KEY is not set");
  });
});

describe("issue 9: raw stack traces to the user", () => {
  it("--version and an unknown flag answer in one line, without a stack", async () => {
    const version = run(["--version"]);
    expect(await version.exited).toBe(0);
    expect(version.output()).toEqual({ stdout: `switchyard ${manifest.version}\n`, stderr: "" });
    const unknown = run(["serve", "--verbose"]);
    expect(await unknown.exited).toBe(2);
    expect(unknown.output().stderr).toBe(
      'switchyard: serve: unknown option --verbose; see "switchyard serve --help"\n',
    );
  });

  it("a port in use is one line saying what to do, and status 4", async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const { port } = taken.address() as AddressInfo;
    try {
      const server = run(["serve", "--no-pacing"], { PORT: String(port) });
      expect(await server.exited).toBe(4);
      expect(server.output().stderr).toBe(
        `switchyard: cannot serve on 127.0.0.1:${port}: the port is already in use; stop the other process, or choose another port with --port N (or SWITCHYARD_PORT)\n`,
      );
    } finally {
      taken.close();
    }
  });
});

describe("switchyard emulate", () => {
  it("prints each emulated cloud's base URL", async () => {
    const emulate = run(["emulate", "--no-pacing"]);
    const [, url] = await emulate.waitFor(/openai\s+openai\s+(http:\/\/127\.0\.0\.1:\d+\/v1)/);
    await emulate.waitFor(/azure\s+azure-eastus\s+http:\/\/127\.0\.0\.1:\d+/);
    const models = await fetch(`${url}/models`, { headers: { authorization: "Bearer emulator-key-openai" } });
    expect(models.status).toBe(200);
    emulate.child.kill("SIGINT");
    expect(await emulate.exited).toBe(0);
  });
});

describe("switchyard route and catalog", () => {
  const finished = async (args: string[]) => {
    const process = run(args);
    const code = await process.exited;
    return { code, ...process.output() };
  };

  it("route --json prints the plan in its documented shape", async () => {
    const { code, stdout } = await finished([
      "route",
      "--model",
      "gpt-nova",
      "--tenant",
      "eu-only",
      "--json",
    ]);
    expect(code).toBe(0);
    const plan = JSON.parse(stdout) as Record<string, unknown>;
    expect(Object.keys(plan)).toEqual(["model", "at", "strategy", "candidates", "excluded"]);
    expect(plan.candidates).toEqual([
      {
        provider: "azure-swedencentral",
        offering: "gpt-nova@azure-swedencentral",
        reason: "preferred: launch partner of openai",
      },
    ]);
    expect(plan.excluded).toContainEqual({
      provider: "gcp-europe-west4",
      offering: "gpt-nova@gcp-europe-west4",
      reason: expect.stringMatching(/^launch window until \d{4}-\d{2}-\d{2} \(launch partner: /),
    });
  });

  it("route --at a month from now: the launch window is over", async () => {
    const later = new Date(Date.now() + 31 * 86_400_000).toISOString().slice(0, 10);
    const { stdout } = await finished(["route", "--model", "gpt-nova", "--at", later, "--json"]);
    const plan = JSON.parse(stdout) as { at: string; candidates: { provider: string }[] };
    expect(plan.at).toBe(later);
    expect(plan.candidates.map((c) => c.provider)).toEqual([
      "azure-eastus",
      "azure-swedencentral",
      "aws-us-east-1",
      "gcp-europe-west4",
    ]);
  });

  it("catalog --json shows the matrix, today and later", async () => {
    const { stdout } = await finished(["catalog", "--json"]);
    const today = JSON.parse(stdout) as {
      models: {
        model: string;
        providers: { provider: string; available: boolean; since: string | null }[];
      }[];
    };
    const nova = today.models.find((m) => m.model === "gpt-nova");
    expect(nova?.providers.map((p) => [p.provider, p.available])).toEqual([
      ["azure-eastus", true],
      ["azure-swedencentral", true],
      ["aws-us-east-1", false],
      ["gcp-europe-west4", false],
    ]);
    const oss = today.models.find((m) => m.model === "gpt-oss-120b");
    expect(oss?.providers.find((p) => p.provider === "aws-us-east-1")?.since).toBe("2025-10-28");
    const text = (await finished(["catalog"])).stdout;
    expect(text).toMatch(/^gpt-nova +yes +yes +no +no/m);
  });

  it("rejects a bad date or an unknown model with usage errors", async () => {
    const badDate = await finished(["route", "--model", "gpt-nova", "--at", "next week"]);
    expect(badDate.code).toBe(2);
    expect(badDate.stderr).toContain('--at: "next week" is not a date (YYYY-MM-DD)');
    const unknown = await finished(["route", "--model", "gpt-9"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown model "gpt-9"');
    const strategy = await finished(["route", "--model", "gpt-nova", "--strategy", "fastst"]);
    expect(strategy.stderr).toContain('--strategy: unknown strategy "fastst"');
  });
});
