import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { exitCodeMeanings } from "./cli-errors.js";
import { describeFailure, main } from "./cli.js";
import type { CommandContext } from "./command.js";
import { commands } from "./commands.js";
import { requestedPort } from "./serve-command.js";

const manifest = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
  version: string;
};

async function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
  let stdout = "";
  let stderr = "";
  const context: CommandContext = {
    env,
    cwd: "/nonexistent-switchyard-test-dir",
    now: () => Date.parse("2026-12-01T00:00:00Z"),
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
  };
  try {
    const code = await main(argv, context);
    return { code, stdout, stderr };
  } catch (error) {
    const failure = describeFailure(error);
    return { code: failure.code, stdout, stderr: `${stderr}switchyard: ${failure.message}\n` };
  }
}

describe("issue 9: CLI help is the same global help for every command, no help command, no --version", () => {
  it("--version prints the package's version", async () => {
    expect(await run(["--version"])).toEqual({
      code: 0,
      stdout: `switchyard ${manifest.version}\n`,
      stderr: "",
    });
  });

  it("each command's --help lists its own flags, and help <command> prints the same", async () => {
    for (const command of commands) {
      const own = await run([command.name, "--help"]);
      expect(own.code).toBe(0);
      expect(own.stdout).toMatch(new RegExp(`^Usage: switchyard ${command.name}\\b`));
      for (const flag of Object.keys(command.flags)) expect(own.stdout).toContain(`--${flag}`);
      expect(await run(["help", command.name])).toEqual(own);
    }
    const serve = (await run(["serve", "--help"])).stdout;
    expect(serve).toContain("--port N");
    expect(serve).not.toContain("--model");
    expect((await run(["route", "-h"])).stdout).toContain("--model M");
  });

  it("help without a command lists every command and the exit statuses", async () => {
    const { code, stdout } = await run(["help"]);
    expect(code).toBe(0);
    for (const command of commands) expect(stdout).toMatch(new RegExp(`^  ${command.name} +\\S`, "m"));
    for (const [status, meaning] of exitCodeMeanings) expect(stdout).toContain(`  ${status}  ${meaning}`);
    expect((await run(["--help"])).stdout).toBe(stdout);
  });
});

describe("issue 9: raw stack traces for an unknown flag", () => {
  it("an unknown option, a missing value or an unknown command is one line and status 2", async () => {
    const cases: [string[], string][] = [
      [
        ["route", "--modle", "x"],
        'switchyard: route: unknown option --modle (did you mean --model?); see "switchyard route --help"\n',
      ],
      [["--bogus"], 'switchyard: serve: unknown option --bogus; see "switchyard serve --help"\n'],
      [
        ["catalog", "--at"],
        'switchyard: catalog: option --at needs a value; see "switchyard catalog --help"\n',
      ],
      [
        ["route", "--model", "-x"],
        'switchyard: route: option --model needs a value (one that starts with "-" is written --model=-…); see "switchyard route --help"\n',
      ],
      [
        ["serve", "--no-pacing=yes"],
        'switchyard: serve: option --no-pacing takes no value; see "switchyard serve --help"\n',
      ],
      [
        ["check", "--at=2026-01-01", "extra"],
        'switchyard: check: unexpected argument "extra"; see "switchyard check --help"\n',
      ],
      [
        ["serv"],
        'switchyard: unknown command "serv" (did you mean "serve"?); run "switchyard help" for the list\n',
      ],
      [["help", "nothing"], 'switchyard: unknown command "nothing"; run "switchyard help" for the list\n'],
    ];
    for (const [argv, stderr] of cases) expect(await run(argv)).toEqual({ code: 2, stdout: "", stderr });
  });

  it("a configuration error is status 3 and a bug is status 1 with its stack", () => {
    const bug = describeFailure(new TypeError("boom"));
    expect(bug.code).toBe(1);
    expect(bug.message).toMatch(/^unexpected error \(please report it\):\nTypeError: boom\n {4}at /);
  });

  it("the README's exit status table is the CLI's", () => {
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    const rows = [...readme.matchAll(/^\| (\d) \| (.+) \|$/gm)].map((match) => [Number(match[1]), match[2]]);
    expect(rows).toEqual(exitCodeMeanings.map(([code, meaning]) => [code, meaning]));
  });
});

describe("issue 9: npm start --port 4915 silently serves on 4800", () => {
  it("says npm took the flag, and how to pass it, instead of serving on the default port", async () => {
    // What npm 11 hands the script for `npm start --port 4915`: its own config, and the number as an argument.
    const npm = { npm_lifecycle_event: "start", npm_config_port: "true" };
    expect(await run(["serve", "4915"], npm)).toEqual({
      code: 2,
      stdout: "",
      stderr:
        "switchyard: serve: npm took --port as its own option, so it never reached switchyard; run: npm start -- --port 4915\n",
    });
  });

  it("npm start --port=4915 too; a --port after -- wins", async () => {
    const npm = { npm_lifecycle_event: "start", npm_config_port: "4915" };
    expect((await run(["serve"], npm)).stderr).toContain("run: npm start -- --port 4915\n");
    const passed = await run(["serve", "--port", "http"], npm);
    expect(passed.stderr).toBe(
      'switchyard: --port: "http" is not a port number (an integer from 0 to 65535)\n',
    );
  });

  it("takes the port from --port, then SWITCHYARD_PORT, then PORT, and rejects a bad one by name", () => {
    expect(requestedPort("4915", { SWITCHYARD_PORT: "1", PORT: "2" })).toBe(4915);
    expect(requestedPort(undefined, { SWITCHYARD_PORT: "4916", PORT: "2" })).toBe(4916);
    expect(requestedPort(undefined, { PORT: "4917" })).toBe(4917);
    expect(requestedPort(undefined, { SWITCHYARD_PORT: "", PORT: "" })).toBeUndefined();
    expect(() => requestedPort(undefined, { PORT: "http" })).toThrow(
      'PORT: "http" is not a port number (an integer from 0 to 65535)',
    );
    expect(() => requestedPort("70000", {})).toThrow('--port: "70000" is not a port number');
  });
});
