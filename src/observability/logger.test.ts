import { mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger, flushLogger } from "./logger.js";

const directories: string[] = [];
afterEach(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

function logFile(): string {
  const directory = mkdtempSync(join(tmpdir(), "switchyard-logger-"));
  directories.push(directory);
  return join(directory, "gateway.log");
}

/** The file's lines; none while the destination has not created the file yet (it opens it asynchronously). */
function linesOf(path: string): Record<string, unknown>[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  return text
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe("the gateway's logger", () => {
  it("writes a lone line short of a batch within the flush interval, unasked", async () => {
    const path = logFile();
    const logger = createLogger({ level: "info", destination: path });
    logger.info({ n: 1 }, "alone");
    for (let waited = 0; waited < 2_000 && linesOf(path).length === 0; waited += 25) await sleep(25);
    expect(linesOf(path)).toMatchObject([{ n: 1, msg: "alone" }]);
  });

  it("flushLogger writes every line, batches and the short rest, in order", async () => {
    const path = logFile();
    const logger = createLogger({ level: "info", destination: path });
    // Some lines now, more while the first batch's write is in flight, then a short rest.
    for (let n = 0; n < 40; n++) logger.info({ n, padding: "x".repeat(300) }, "line");
    await Promise.resolve();
    for (let n = 40; n < 43; n++) logger.info({ n }, "line");
    await flushLogger(logger);
    expect(linesOf(path).map((line) => line["n"])).toEqual(Array.from({ length: 43 }, (_, n) => n));
  });

  it("flushLogger returns at once when nothing is pending", async () => {
    // An open descriptor: a path would be opened asynchronously, and the directory removed under it
    // when the test ends first (an uncaught ENOENT in a later test). The logger keeps the descriptor.
    const fd = openSync(logFile(), "w");
    const logger = createLogger({ level: "info", destination: fd });
    const started = Date.now();
    await flushLogger(logger);
    expect(Date.now() - started).toBeLessThan(500);
  });
});
