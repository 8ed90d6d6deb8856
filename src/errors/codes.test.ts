import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { errorCodes } from "./codes.js";

/** docs/errors.md and the code table must agree, row for row. */
describe("docs/errors.md", () => {
  const page = readFileSync(new URL("../../docs/errors.md", import.meta.url), "utf8");
  const rows = new Map(
    [...page.matchAll(/^\| `([a-z_]+)` \| (\d{3}) \| ([a-z_]+) \| (retry|next|stop) \|/gm)].map((match) => [
      match[1],
      { status: Number(match[2]), type: match[3], failover: match[4] },
    ]),
  );

  it("documents every code with its status, type and failover", () => {
    for (const [code, info] of Object.entries(errorCodes)) {
      expect(rows.get(code), `docs/errors.md lacks ${code}`).toEqual(info);
    }
  });

  it("documents no code the table does not have", () => {
    expect([...rows.keys()].filter((code) => code === undefined || !(code in errorCodes))).toEqual([]);
  });
});
