import OpenAI from "openai";
import { expect } from "vitest";
import { pino } from "pino";
import { DEMO_PROVIDERS, demoConfigDocument } from "../../src/config/demo.js";
import { resolveConfig } from "../../src/config/load.js";
import { startEmulators, type RunningEmulator } from "../../src/emulators/index.js";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startGateway, type RunningGateway } from "../../src/http/server.js";
import type { LedgerRow } from "../../src/ledger/ledger-row.js";
import { openStore, type Store } from "../../src/store/index.js";

export const testKey = "sk-test-switchyard-e2e";

export interface Harness {
  readonly gateway: RunningGateway;
  readonly emulators: ReadonlyMap<string, RunningEmulator>;
  /** The official OpenAI SDK pointed at the gateway; no SDK retries, so failover is the gateway's. */
  readonly client: OpenAI;
  /** The emulator playing a demo provider (see DEMO_PROVIDERS). */
  emulator(name: string): RunningEmulator;
  /** The ledger's SQLite store, when the harness was started with `{ ledger: true }`. */
  readonly store: Store | undefined;
  /** The ledger row of a request, once the writer has written it (`{ ledger: true }` only). */
  ledgerRow(requestId: string | null): Promise<LedgerRow | undefined>;
  /** Clears every emulator's faults and request counters, and the gateway's health and circuits. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

/** The demo topology (for gpt-4o-mini: Azure, the launch partner, then OpenAI) on emulators without pacing. */
export async function startHarness(
  overrides: (document: Record<string, unknown>) => void = () => {},
  options: { readonly ledger?: boolean } = {},
): Promise<Harness> {
  const apiKeyPrefix = "harness";
  const fleet = await startEmulators({ apiKeyPrefix, fleet: DEMO_PROVIDERS });
  const emulators = new Map<string, RunningEmulator>(
    fleet.emulators.map((emulator) => [emulator.name, emulator]),
  );
  const get = (name: string): RunningEmulator => {
    const emulator = emulators.get(name);
    if (emulator === undefined) throw new Error(`no emulator ${name}`);
    return emulator;
  };
  const upstreams = new Map(fleet.emulators.map((emulator) => [emulator.name, emulator]));
  const document = demoConfigDocument(upstreams, testKey, 0) as Record<string, unknown>;
  document.server = { host: "127.0.0.1", port: 0, body_limit_bytes: 64 * 1024, log_level: "silent" };
  overrides(document);
  const config = resolveConfig(document, "test", {});
  // A ledger in a temporary SQLite file, written every 10 ms so tests need not wait for it.
  const directory = options.ledger === true ? mkdtempSync(join(tmpdir(), "switchyard-ledger-")) : undefined;
  const store =
    directory === undefined
      ? undefined
      : await openStore({ kind: "sqlite", file: join(directory, "ledger.db") });
  const gateway = await startGateway(config, pino({ level: "silent" }), {}, store, { flushIntervalMs: 10 });
  const client = new OpenAI({ apiKey: testKey, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
  return {
    gateway,
    emulators,
    client,
    emulator: get,
    store,
    async ledgerRow(requestId) {
      const ledger = gateway.services.ledger;
      if (store === undefined || ledger === undefined || requestId === null) return undefined;
      // The report is published when the server side of the response closes, just after the client read it.
      for (let waited = 0; waited < 2_000; waited += 10) {
        await ledger.whenIdle();
        for await (const row of store.ledger.rows({})) if (row.requestId === requestId) return row;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return undefined;
    },
    async reset() {
      gateway.services.health.clear();
      await Promise.all(
        [...emulators.values()].flatMap((emulator) => [
          fetch(`${emulator.url}/__emulator/faults`, { method: "DELETE" }),
          fetch(`${emulator.url}/__emulator/requests`, { method: "DELETE" }),
        ]),
      );
    },
    async close() {
      await gateway.close(1_000);
      await store?.close();
      if (directory !== undefined) rmSync(directory, { recursive: true, force: true });
      await fleet.close();
    },
  };
}

/** Sets a fault on an emulator over HTTP, exactly as a user would. */
export async function setFault(emulator: RunningEmulator, fault: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${emulator.url}/__emulator/faults`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(fault),
  });
  if (!response.ok) throw new Error(`setting fault failed: ${response.status} ${await response.text()}`);
}

/**
 * An emulator's request log (`GET /__emulator/requests`), as the tests read it: how many chat/embeddings
 * requests it served since its log was reset, and the last one — what the gateway sent upstream.
 */
export interface UpstreamLog {
  count: number;
  last: Record<string, unknown>;
  last_path: string;
  last_headers: Record<string, string>;
}

export async function upstreamLog(emulator: RunningEmulator): Promise<UpstreamLog> {
  const response = await fetch(`${emulator.url}/__emulator/requests`);
  return (await response.json()) as UpstreamLog;
}

/** How many chat/embeddings requests an emulator has served since its counter was reset. */
export async function requestCount(emulator: RunningEmulator): Promise<number> {
  return (await upstreamLog(emulator)).count;
}

/** The text of a streamed chat answer, as the official SDK's chunks deliver it. */
export async function streamedText(
  stream: AsyncIterable<{ choices: { delta: { content?: string | null } }[] }>,
): Promise<string> {
  let text = "";
  for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
  return text;
}

/** Asserts where the gateway says a request was served, and after how many attempts. */
export function expectServedBy(headers: Headers, provider: string, attempts?: number): void {
  expect(headers.get("x-switchyard-provider")).toBe(provider);
  if (attempts !== undefined) expect(headers.get("x-switchyard-attempts")).toBe(String(attempts));
}
