import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";

/**
 * The newcomer script (issue 9): what the README's first screen tells a new user to do on a fresh clone,
 * done literally — `npm start` (package.json's own start command, on a free port as `npm start -- --port N`
 * would), the printed key and curl line, the failover the README shows, and its example configuration
 * through `switchyard check`. Runs the built CLI (the test script builds first), from an empty directory
 * with an environment that holds nothing but PATH.
 */
const root = fileURLToPath(new URL("../../", import.meta.url));
const readme = readFileSync(join(root, "README.md"), "utf8");
const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
  scripts: Record<string, string>;
};
const children: ChildProcessWithoutNullStreams[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
});

/** package.json's start script as argv, with `node` as this Node and `dist/` from the clone. */
function startCommand(): string[] {
  const [node, ...rest] = manifest.scripts["start"]?.split(" ") ?? [];
  expect(node).toBe("node");
  return rest.map((arg) => (arg.startsWith("dist/") ? join(root, arg) : arg));
}

function launch(args: string[], env: Record<string, string>, cwd: string) {
  const child = spawn(process.execPath, args, { cwd, env: { PATH: process.env.PATH ?? "", ...env } });
  children.push(child);
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (data: Buffer) => (stdout += data.toString()));
  child.stderr.on("data", (data: Buffer) => (stderr += data.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const waitFor = async (pattern: RegExp): Promise<string> => {
    for (;;) {
      if (pattern.test(stdout)) return stdout;
      const code = await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 25, "wait"))]);
      if (code !== "wait") throw new Error(`exited with ${String(code)}:\n${stdout}\n${stderr}`);
    }
  };
  return { child, exited, waitFor, output: () => ({ stdout, stderr }) };
}

/** The printed `curl URL -H "…" -H "…" -d '…'` line, as a fetch would send it. */
function parseCurl(printed: string): { url: string; headers: Record<string, string>; body: string } {
  const line = /curl [\s\S]*?-d '[^']*'/.exec(printed.replace(/\\\n\s*/g, " "))?.[0];
  if (line === undefined) throw new Error(`no curl line in:\n${printed}`);
  const url = /^curl (\S+)/.exec(line)?.[1] ?? "";
  const headers = Object.fromEntries(
    [...line.matchAll(/-H "([^:"]+): ([^"]*)"/g)].map((match) => [match[1] ?? "", match[2] ?? ""]),
  );
  return { url, headers, body: /-d '([^']*)'/.exec(line)?.[1] ?? "" };
}

/** The fenced block of a README section (the first one of the language). */
function readmeBlock(section: string, language: string): string {
  const start = readme.indexOf(`## ${section}`);
  expect(start, `README has no section "${section}"`).toBeGreaterThanOrEqual(0);
  const block = new RegExp("```" + language + "\\n([\\s\\S]*?)```").exec(readme.slice(start));
  if (block?.[1] === undefined) throw new Error(`no ${language} block in README section ${section}`);
  return block[1];
}

describe("issue 9: the newcomer script — the README's first screen on a fresh clone", () => {
  it("npm start serves the demo; the printed key and curl line work; failover is as the README shows", async () => {
    expect(readme).toContain("npm ci && npm start");
    expect(readme).toContain("npm start -- --port 4915");
    const gateway = launch([...startCommand(), "--port", "0"], {}, mkdtempSync(join(tmpdir(), "newcomer-")));
    const printed = await gateway.waitFor(/-d '[^']*'\n/);
    expect(printed).toContain("Switchyard demo mode: no configuration file found");

    const curl = parseCurl(printed);
    expect(curl.headers["Authorization"]).toMatch(/^Bearer sy-demo-/);
    const answer = await fetch(curl.url, { method: "POST", headers: curl.headers, body: curl.body });
    expect(answer.status).toBe(200);
    const body = (await answer.json()) as { choices: { message: { content: string } }[] };
    expect(body.choices[0]?.message.content.length).toBeGreaterThan(0);

    // "To see failover, make the Azure emulator fail (its URL is printed at start) and ask again."
    const failover = readmeBlock("Demo mode", "sh");
    const promised = new Map(
      [...failover.matchAll(/^# (x-switchyard-(?:provider|offering|attempts)): (.+)$/gm)].map(
        (match): [string, string] => [match[1] ?? "", match[2] ?? ""],
      ),
    );
    expect(promised.size).toBe(3);
    const azure = /emulated cloud azure-eastus\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(printed)?.[1];
    const fault = JSON.parse(/faults -d '([^']+)'/.exec(failover)?.[1] ?? "null") as unknown;
    const put = await fetch(`${azure ?? ""}/__emulator/faults`, {
      method: "PUT",
      body: JSON.stringify(fault),
    });
    expect(put.ok).toBe(true);
    const body2 = /-d '(\{"model":[^']+)'/.exec(failover.replace(/\\\n\s*/g, " "))?.[1] ?? "";
    const failedOver = await fetch(curl.url, { method: "POST", headers: curl.headers, body: body2 });
    expect(failedOver.status).toBe(200);
    for (const [header, value] of promised) expect(failedOver.headers.get(header)).toBe(value);

    gateway.child.kill("SIGTERM");
    expect(await gateway.exited).toBe(0);
  });

  it("the README's example configuration passes switchyard check, with its optional variable unset", async () => {
    const example = readmeBlock("Running with your own clouds", "yaml");
    const dir = mkdtempSync(join(tmpdir(), "newcomer-config-"));
    writeFileSync(join(dir, "switchyard.yaml"), example);
    // The service-account key file it names, as the user would download it.
    writeFileSync(
      join(dir, "vertex-sa.json"),
      JSON.stringify({
        type: "service_account",
        client_email: "gw@my-project.iam.gserviceaccount.com",
        private_key: "k",
      }),
    );
    const required = [...example.matchAll(/\$\{([A-Z0-9_]+)\}/g)].map((match) => match[1] ?? "");
    const optional = [...example.matchAll(/\$\{([A-Z0-9_]+):-[^}]*\}/g)].map((match) => match[1] ?? "");
    expect(optional).toContain("AWS_SESSION_TOKEN");
    const env = Object.fromEntries(required.map((name) => [name, `${name.toLowerCase()}-from-the-shell`]));

    const check = launch([startCommand()[0] ?? "", "check"], env, dir);
    expect(await check.exited).toBe(0);
    const { stdout, stderr } = check.output();
    expect(stderr).toBe("");
    expect(stdout).toContain(`Configuration ${join(dir, "switchyard.yaml")} is valid.`);
    const providers = Object.keys((parseYaml(example) as { providers: Record<string, unknown> }).providers);
    expect(providers.length).toBeGreaterThan(5);
    for (const provider of providers) expect(stdout).toMatch(new RegExp(`^ {2}${provider} `, "m"));

    // Without a required variable the same check fails, naming it.
    const missing = launch([startCommand()[0] ?? "", "check"], { ...env, OPENAI_API_KEY: "" }, dir);
    expect(await missing.exited).toBe(3);
    expect(missing.output().stderr).toContain(
      "providers.openai.api_key: environment variable OPENAI_API_KEY is empty",
    );
  });
});
