import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import OpenAI from "openai";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PROVIDERS, demoConfigDocument } from "../../src/config/demo.js";
import { resolveConfig } from "../../src/config/load.js";
import { startEmulators, type RunningEmulator } from "../../src/emulators/index.js";
import { startGateway, type RunningGateway } from "../../src/http/server.js";
import { openStore, type Store } from "../../src/store/index.js";

/**
 * No key, secret or prompt text in the access log, the ledger or the metrics (issue 11): a gateway
 * with known secrets — the client's key and every cloud's credentials — serves answered, failed-over,
 * unauthenticated and provider-refused requests; then every log line, every ledger row and the whole
 * `/metrics` text are searched for them.
 */
const clientKey = "sy-live-e2e-5f1c9a7b3d2e4f6a8b0c";
const wrongKey = "sy-live-e2e-wrong-0a9b8c7d6e5f";
const prompt = "The launch codes are tango-foxtrot-niner-seven";
const emulatorPrefix = "cloudsecret-3b7d1f9a";

let gateway: RunningGateway;
let store: Store;
let emulators: readonly RunningEmulator[];
let closeFleet: () => Promise<void>;
const lines: string[] = [];
const directory = mkdtempSync(join(tmpdir(), "switchyard-secrets-"));

beforeAll(async () => {
  const fleet = await startEmulators({ apiKeyPrefix: emulatorPrefix, fleet: DEMO_PROVIDERS });
  emulators = fleet.emulators;
  closeFleet = () => fleet.close();
  const upstreams = new Map(fleet.emulators.map((emulator) => [emulator.name, emulator]));
  const document = demoConfigDocument(upstreams, clientKey, 0) as Record<string, unknown>;
  document.server = { host: "127.0.0.1", port: 0 };
  const config = resolveConfig(document, "test", {});
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
      done();
    },
  });
  store = await openStore({ kind: "sqlite", file: join(directory, "ledger.db") });
  gateway = await startGateway(config, pino({ level: "info", base: null }, sink), {}, store, {
    flushIntervalMs: 10,
  });
});
afterAll(async () => {
  await gateway.close(1_000);
  await store.close();
  await closeFleet();
  rmSync(directory, { recursive: true, force: true });
});

/**
 * Every secret this run holds, as any 12-character piece (a key's visible prefix is shorter). The clouds'
 * keys are `${emulatorPrefix}-${provider}`: their secret part is the prefix (provider names are public).
 */
function secrets(): string[] {
  const whole = [clientKey, wrongKey, `${clientKey}-eu`, emulatorPrefix];
  for (const emulator of emulators) {
    const credentials = (emulator as RunningEmulator & { credentials?: Record<string, unknown> }).credentials;
    for (const value of Object.values(credentials ?? {}))
      if (
        typeof value === "string" &&
        value.length >= 16 &&
        !value.includes(emulatorPrefix) &&
        !value.startsWith("{")
      )
        whole.push(value);
  }
  const pieces = new Set<string>();
  for (const secret of whole)
    for (let start = 0; start + 12 <= secret.length; start++) pieces.add(secret.slice(start, start + 12));
  return [...pieces];
}

describe("no secret or prompt text leaves the gateway in its records", () => {
  it("serves a mix of requests, then finds none in logs, ledger or metrics", async () => {
    const client = new OpenAI({ apiKey: clientKey, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
    const messages = [{ role: "user" as const, content: prompt }];
    await client.chat.completions.create({ model: "gpt-4o-mini", messages });
    const stream = await client.chat.completions.create({
      model: "claude-sonnet-4-6",
      messages,
      stream: true,
    });
    for await (const chunk of stream) void chunk;
    const azure = emulators.find((emulator) => emulator.name === "azure-eastus");
    azure?.faults.set({ status: 503, count: 2 });
    await client.chat.completions.create({ model: "gpt-4o-mini", messages });
    const wrong = new OpenAI({ apiKey: wrongKey, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
    await expect(wrong.chat.completions.create({ model: "gpt-4o-mini", messages })).rejects.toThrow();
    // A cloud that refuses the gateway's own credentials: its message may quote them.
    azure?.faults.set({ status: 401, count: 2 });
    await client.chat.completions.create({ model: "gpt-4o-mini", messages });
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await gateway.services.ledger?.whenIdle();
    const rows: string[] = [];
    for await (const row of store.ledger.rows({})) rows.push(JSON.stringify(row));

    expect(rows.length).toBe(5);
    expect(lines.filter((line) => line.includes('"name":"access"'))).toHaveLength(5);
    const records = { log: lines.join("\n"), ledger: rows.join("\n"), metrics };
    for (const [where, text] of Object.entries(records)) {
      expect(text, where).not.toContain("tango-foxtrot");
      const leaked = secrets().filter((piece) => text.includes(piece));
      expect(leaked, where).toEqual([]);
    }
  });
});
