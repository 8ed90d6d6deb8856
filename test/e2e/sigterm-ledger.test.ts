import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { Agent, request } from "undici";
import { afterAll, describe, expect, it } from "vitest";

/**
 * SIGTERM under load (issue 11): the built gateway in demo mode, paced streams and plain requests in
 * flight, then SIGTERM. Every request that got a response has its ledger row in the demo's SQLite file
 * after the process exits, and no row is there twice.
 */
const root = fileURLToPath(new URL("../../", import.meta.url));
const cwd = mkdtempSync(join(tmpdir(), "switchyard-sigterm-"));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

const key = "sy-demo-sigterm-test-key";

describe("SIGTERM under load", () => {
  it("leaves exactly one ledger row for every request that got a response", async () => {
    const child = spawn(process.execPath, [join(root, "dist/src/cli/main.js"), "serve", "--port", "0"], {
      cwd,
      env: {
        PATH: process.env.PATH ?? "",
        SWITCHYARD_DEMO_KEY: key,
        // Streams of about a second: some are still running when the signal comes.
        SWITCHYARD_DEMO_TTFT_MS: "100",
        SWITCHYARD_DEMO_TOKENS_PER_SECOND: "40",
      },
    });
    let stdout = "";
    child.stdout.on("data", (data: Buffer) => (stdout += data.toString()));
    child.stderr.on("data", (data: Buffer) => (stdout += data.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    let base: string | undefined;
    for (let waited = 0; base === undefined && waited < 30_000; waited += 50) {
      base = /gateway\s+(http:\/\/\S+)\/v1/.exec(stdout)?.[1];
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(base, stdout).toBeDefined();

    const dispatcher = new Agent({ connections: 64 });
    const answered: string[] = [];
    let failedToConnect = 0;
    const send = async (index: number): Promise<void> => {
      const stream = index % 2 === 0;
      try {
        const response = await request(`${base}/v1/chat/completions`, {
          method: "POST",
          dispatcher,
          headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
          body: JSON.stringify({
            model: "gpt-4o-mini",
            stream,
            messages: [{ role: "user", content: `Tell me a short story, number ${index}` }],
          }),
        });
        const id = response.headers["x-request-id"];
        if (typeof id === "string") answered.push(id);
        await response.body.text().catch(() => undefined);
      } catch {
        failedToConnect++; // refused once the listener closed: no response, so no row is owed
      }
    };
    let sent = 0;
    let stopping = false;
    const loops = Array.from({ length: 24 }, async () => {
      while (!stopping) await send(sent++);
    });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    child.kill("SIGTERM");
    await new Promise((resolve) => setTimeout(resolve, 300));
    stopping = true;
    await Promise.all(loops);
    expect(await exited).toBe(0);
    await dispatcher.close();

    const file = join(cwd, "data", "demo.db");
    expect(existsSync(file)).toBe(true);
    const db = new Database(file, { readonly: true });
    const ids = (db.prepare("select request_id from ledger_entries").all() as { request_id: string }[]).map(
      (row) => row.request_id,
    );
    db.close();
    expect(answered.length).toBeGreaterThan(20);
    expect(new Set(ids).size).toBe(ids.length);
    const stored = new Set(ids);
    expect(answered.filter((id) => !stored.has(id))).toEqual([]);
    expect(sent).toBe(answered.length + failedToConnect);
  }, 60_000);
});
