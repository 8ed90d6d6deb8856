import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach } from "vitest";

/** The built CLI, as `npm start` runs it (the test script builds before it tests). */
export const cli = fileURLToPath(new URL("../../dist/src/cli/main.js", import.meta.url));
const children: ChildProcessWithoutNullStreams[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
});

/**
 * Runs the built CLI. Its process is killed after the test that started it, unless `lasting` (a server a
 * whole suite uses, which the suite stops itself).
 */
export function run(
  args: string[],
  env: Record<string, string> = {},
  cwd = mkdtempSync(join(tmpdir(), "switchyard-cli-")),
  lasting = false,
) {
  const child = spawn(process.execPath, [cli, ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? "", ...env },
  });
  if (!lasting) children.push(child);
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (data: Buffer) => (stdout += data.toString()));
  child.stderr.on("data", (data: Buffer) => (stderr += data.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const waitFor = async (pattern: RegExp): Promise<RegExpMatchArray> => {
    for (;;) {
      const match = stdout.match(pattern);
      if (match !== null) return match;
      const code = await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 25, "wait"))]);
      if (code !== "wait")
        throw new Error(`exited with ${String(code)} before ${String(pattern)}:\n${stdout}\n${stderr}`);
    }
  };
  return { child, exited, waitFor, output: () => ({ stdout, stderr }) };
}
