import type { RequestReport } from "../../src/core/request-report.js";
import type { LedgerLogger, WriterClock } from "../../src/ledger/ledger-writer.js";
import type { LedgerRow } from "../../src/ledger/ledger-row.js";
import type { LedgerStore } from "../../src/store/index.js";

/** Timers that run only when the test advances time; after each one the promises it started settle. */
export class ManualClock implements WriterClock {
  #now = 0;
  #nextId = 1;
  readonly #timers = new Map<number, { readonly at: number; readonly callback: () => void }>();

  now(): number {
    return this.#now;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.#nextId++;
    this.#timers.set(id, { at: this.#now + ms, callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.#timers.delete(handle as number);
  }

  get pendingTimers(): number {
    return this.#timers.size;
  }

  /** Moves time forward, firing every timer that falls due on the way, in order. */
  async advance(ms: number): Promise<void> {
    const target = this.#now + ms;
    await settle();
    for (;;) {
      let next: [number, { readonly at: number; readonly callback: () => void }] | undefined;
      for (const entry of this.#timers) if (next === undefined || entry[1].at < next[1].at) next = entry;
      if (next === undefined || next[1].at > target) break;
      this.#timers.delete(next[0]);
      this.#now = next[1].at;
      next[1].callback();
      await settle();
    }
    this.#now = target;
  }
}

/** The real store's inserts under way, started by a {@link SwitchableLedgerStore}. */
const storeWrites = new Set<Promise<unknown>>();

/**
 * Lets every promise chain started so far run to its end, the real store's writes included (SQLite's
 * run on a worker thread, so they take real time however the clock is driven).
 */
export async function settle(): Promise<void> {
  for (let round = 0; round < 3 || storeWrites.size > 0; round++) {
    await Promise.allSettled([...storeWrites]);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

function tracked(write: Promise<void>): Promise<void> {
  storeWrites.add(write);
  void write.finally(() => storeWrites.delete(write)).catch(() => undefined);
  return write;
}

export interface LogEntry {
  readonly level: "warn" | "info";
  readonly fields: Record<string, unknown>;
  readonly message: string;
}

export class RecordingLogger implements LedgerLogger {
  readonly entries: LogEntry[] = [];
  warn(fields: Record<string, unknown>, message: string): void {
    this.entries.push({ level: "warn", fields, message });
  }
  info(fields: Record<string, unknown>, message: string): void {
    this.entries.push({ level: "info", fields, message });
  }
  warnings(containing: string): LogEntry[] {
    return this.entries.filter((entry) => entry.level === "warn" && entry.message.includes(containing));
  }
}

export type StoreMode = "up" | "down" | "fail-after-write" | "hang";

/**
 * A real ledger store with a switch: `down` refuses every insert, `fail-after-write` writes and then
 * reports failure (a lost acknowledgement), `hang` never answers. Inserts are recorded by batch size.
 */
export class SwitchableLedgerStore implements Pick<LedgerStore, "insert"> {
  mode: StoreMode = "up";
  readonly batches: number[] = [];
  readonly #inner: Pick<LedgerStore, "insert">;

  constructor(inner: Pick<LedgerStore, "insert">) {
    this.#inner = inner;
  }

  async insert(rows: readonly LedgerRow[]): Promise<void> {
    this.batches.push(rows.length);
    switch (this.mode) {
      case "down":
        throw new Error("connect ECONNREFUSED 127.0.0.1:5432");
      case "hang":
        return new Promise<void>(() => undefined);
      case "fail-after-write":
        await tracked(this.#inner.insert(rows));
        throw new Error("Connection terminated unexpectedly");
      case "up":
        return tracked(this.#inner.insert(rows));
    }
  }
}

let sequence = 0;

/** A complete report of an answered, streamed request that failed over once. */
export function requestReport(overrides: Partial<RequestReport> = {}): RequestReport {
  sequence += 1;
  return {
    requestId: `req_${String(sequence).padStart(6, "0")}`,
    startedAt: Date.UTC(2026, 5, 1, 12) + sequence,
    tenant: "team-a",
    keyId: "team-a-key",
    keyPrefix: "sy-team-a",
    ingress: "openai",
    endpoint: "chat.completions",
    model: "gpt-4o-mini",
    stream: true,
    route: {
      offering: "gpt-4o-mini@azure-eastus",
      provider: "azure-eastus",
      region: "eastus",
      reason: "preferred: launch partner of openai",
    },
    attempts: [
      {
        offering: "gpt-4o-mini@openai",
        provider: "openai",
        status: 503,
        code: "upstream_unavailable",
        latencyMs: 12.4,
      },
      {
        offering: "gpt-4o-mini@azure-eastus",
        provider: "azure-eastus",
        status: 200,
        code: undefined,
        latencyMs: 80,
      },
    ],
    usage: {
      inputTokens: 1_200,
      cachedInputTokens: 1_024,
      cacheWriteInputTokens: 0,
      outputTokens: 350,
      reasoningTokens: 64,
      estimated: false,
    },
    cost: { usd: 0.000_345_6, prices: { input: 0.15, output: 0.6, cachedInput: 0.075, cacheWrite: 0.1875 } },
    latencyMs: 812.3,
    ttftMs: 95.5,
    outcome: "ok",
    status: 200,
    errorCode: undefined,
    warnings: ["unsupported_parameter=logit_bias", "reasoning_effort=reasoning.effort"],
    capabilities: ["chat", "tools"],
    ...overrides,
  };
}
