import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

/*
 * The logger gathers lines in a chunk for up to 100 ms before writing them. A process that ends in that
 * time, however it ends, must still write them: these run the built logger in a child process.
 */
const logger = new URL("../../dist/src/observability/logger.js", import.meta.url).href;
const directory = mkdtempSync(join(tmpdir(), "switchyard-logger-exit-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const endings = {
  "process.exit()": "setTimeout(() => process.exit(0), 5);",
  "an uncaught exception": 'setTimeout(() => { throw new Error("boom"); }, 5);',
  "an event loop that runs dry": "",
} as const;

describe("lines logged just before the process ends", () => {
  for (const [ending, code] of Object.entries(endings)) {
    it(`are written on ${ending}`, async () => {
      const file = join(directory, `${ending.replace(/\W+/g, "-")}.log`);
      const script =
        `const { createLogger } = await import(${JSON.stringify(logger)});` +
        `const logger = createLogger({ level: "info", destination: ${JSON.stringify(file)} });` +
        `for (let n = 0; n < 5; n++) logger.info({ n }, "line");` +
        code;
      await promisify(execFile)(process.execPath, ["--input-type=module", "-e", script]).catch(
        (error: { code?: unknown }) => {
          if (ending !== "an uncaught exception" || error.code !== 1) throw error;
        },
      );
      const lines = readFileSync(file, "utf8").trim().split("\n");
      expect(lines.map((line) => (JSON.parse(line) as { n: number }).n)).toEqual([0, 1, 2, 3, 4]);
    });
  }
});
