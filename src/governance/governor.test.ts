import { pino } from "pino";
import { describe, expect, it } from "vitest";
import type { BudgetRule, KeyConfig, RateLimits, TenantConfig } from "../config/types.js";
import type { RequestReport } from "../core/request-report.js";
import { GatewayError } from "../errors/gateway-error.js";
import type { Plan } from "../routing/plan.js";
import type { CounterStore } from "./counters.js";
import { Governor, type SpendSource } from "./governor.js";
import { formatReset } from "./refusals.js";
import { MemoryCounters } from "./memory-counters.js";

const logger = pino({ level: "silent" });
const at = Date.parse("2026-12-02T10:00:00Z");

function key(limits: Partial<RateLimits> = {}, budgets: BudgetRule[] = []): KeyConfig {
  return {
    id: "key_1",
    name: "k",
    sha256: "0".repeat(64),
    prefix: undefined,
    tenant: "t",
    models: undefined,
    providers: undefined,
    regions: undefined,
    admin: false,
    expiresAt: undefined,
    revokedAt: undefined,
    labels: {},
    limits: { rpm: limits.rpm, tpm: limits.tpm },
    budgets,
    source: "file",
  };
}

const tenant = (limits: Partial<RateLimits> = {}, budgets: BudgetRule[] = []): TenantConfig =>
  ({
    id: "t",
    limits: { rpm: limits.rpm, tpm: limits.tpm },
    budgets,
    source: "file",
  }) as unknown as TenantConfig;

/** A plan of two priced candidates: USD per 1M tokens (1, 2) and (3, 10), the second the dearer. */
const plan = {
  at,
  candidates: [
    { offering: { prices: [{ from: undefined, input: 1, output: 2 }], maxOutputTokens: undefined } },
    { offering: { prices: [{ from: undefined, input: 3, output: 10 }], maxOutputTokens: 1_000 } },
  ],
} as unknown as Plan;

function governor(
  options: {
    tenant?: TenantConfig;
    counters?: CounterStore;
    spend?: SpendSource;
    onFailure?: "open" | "closed";
  } = {},
): Governor {
  return new Governor({
    counters: options.counters ?? new MemoryCounters(() => at),
    tenants: { tenant: () => options.tenant ?? tenant() },
    spend: options.spend,
    logger,
    defaultOutputTokens: 4_096,
    onFailure: options.onFailure ?? "open",
  });
}

/** `maxOutputTokens: null`: the request sets no `max_tokens`. */
const request = (k: KeyConfig, id = "req_1", maxOutputTokens: number | null = 100) => ({
  requestId: id,
  key: k,
  plan,
  startedAt: at,
  countPromptTokens: () => 1_000,
  maxOutputTokens: maxOutputTokens ?? undefined,
});

function report(id: string, usd: number | undefined, tokens = { input: 1_000, output: 50 }): RequestReport {
  return {
    requestId: id,
    usage: {
      inputTokens: tokens.input,
      outputTokens: tokens.output,
      cachedInputTokens: 0,
      cacheWriteInputTokens: 0,
      reasoningTokens: 0,
      estimated: false,
    },
    cost:
      usd === undefined
        ? undefined
        : { usd, prices: { input: 3, output: 10, cachedInput: 3, cacheWrite: 3 } },
  } as unknown as RequestReport;
}

async function refusal(run: () => unknown): Promise<GatewayError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error("admitted");
}

describe("Governor", () => {
  it("admits a key without limits at once, with nothing to settle", () => {
    const free = governor();
    expect(free.admit(request(key()))).toBeUndefined();
    expect(free.inFlight).toBe(0);
  });

  it("reserves the most expensive candidate's bound and settles the real cost", async () => {
    const g = governor({ spend: { spendUsd: () => Promise.resolve(0.0001) } });
    const k = key({}, [{ usd: 1, period: "day", mode: "hard" }]);
    await g.admit(request(k));
    // 1000 prompt tokens × $3/1M + 100 output tokens × $10/1M on the dearer candidate.
    expect(await g.budgetsOf(k, at)).toMatchObject([
      { spentUsd: 0.0001, reservedUsd: 0.004, window: "2026-12-02" },
    ]);
    g.settle(report("req_1", 0.00123));
    expect(await g.budgetsOf(k, at)).toMatchObject([{ spentUsd: 0.00133, reservedUsd: 0 }]);
    expect(g.inFlight).toBe(0);
  });

  it("without max_tokens, reserves the offering's output limit, else the default bound", async () => {
    const g = governor();
    const k = key({}, [{ usd: 100, period: "lifetime", mode: "hard" }]);
    await g.admit(request(k, "req_a", null));
    // max(1000×1 + 4096×2, 1000×3 + 1000×10) / 1M
    expect((await g.budgetsOf(k, at))[0]?.reservedUsd).toBeCloseTo(0.013, 9);
  });

  it("refuses a hard budget with budget_exceeded naming it and when it resets; a soft one warns", async () => {
    const g = governor({ tenant: tenant({}, [{ usd: 0.005, period: "month", mode: "hard" }]) });
    const k = key();
    await g.admit(request(k, "a"));
    const refused = await refusal(() => g.admit(request(k, "b")));
    expect(refused.code).toBe("budget_exceeded");
    expect(refused.status).toBe(429);
    expect(refused.type).toBe("insufficient_quota");
    expect(refused.message).toMatch(/The month budget of tenant "t" \(\$0\.005\)/);
    expect(refused.message).toMatch(/It resets at 2027-01-01T00:00:00\.000Z\./);
    g.settle(report("a", 0.001));
    expect(await g.admit(request(k, "c"))).toEqual([]);

    const soft = governor({ tenant: tenant({}, [{ usd: 0.001, period: "week", mode: "soft" }]) });
    await soft.admit(request(k, "x"));
    expect(await soft.admit(request(k, "y"))).toEqual([
      "x-switchyard-budget-warning",
      'soft budget exceeded: tenant "t" week $0.001',
    ]);
  });

  it("charges requests and prompt tokens per minute, and settles tokens with the real usage", async () => {
    const g = governor();
    const k = key({ rpm: 2, tpm: 3_000 });
    expect(await g.admit(request(k, "a"))).toEqual([
      "x-ratelimit-limit-requests",
      "2",
      "x-ratelimit-remaining-requests",
      "1",
      "x-ratelimit-reset-requests",
      "30s",
      "x-ratelimit-limit-tokens",
      "3000",
      "x-ratelimit-remaining-tokens",
      "2000",
      "x-ratelimit-reset-tokens",
      "20s",
    ]);
    // The real usage was 1000 + 1000: 1000 more tokens than the prompt counted up front.
    g.settle(report("a", 0.001, { input: 1_000, output: 1_000 }));
    const second = (await g.admit(request(k, "b"))) ?? [];
    expect(second[second.indexOf("x-ratelimit-remaining-tokens") + 1]).toBe("0");
    const refused = await refusal(() => g.admit(request(k, "c")));
    expect(refused.code).toBe("rate_limit_exceeded");
    expect(refused.type).toBe("requests");
    expect(refused.retryAfterSeconds).toBe(30);
    expect(refused.headers).toContain("x-ratelimit-remaining-requests");
  });

  it("a prompt larger than the whole token limit is refused without a retry time", async () => {
    const refused = await refusal(() => governor().admit(request(key({ tpm: 500 }))));
    expect(refused.code).toBe("rate_limit_exceeded");
    expect(refused.type).toBe("tokens");
    expect(refused.retryAfterSeconds).toBeUndefined();
    expect(refused.message).toMatch(
      /Request too large for key "k" on tokens per minute \(TPM\): Limit 500, Requested 1000/,
    );
  });

  it("seeds a new budget window once from the ledger, however many requests arrive together", async () => {
    let queries = 0;
    const g = governor({
      spend: {
        spendUsd: (filter) => {
          queries += 1;
          expect(filter).toEqual({ keyId: "key_1", from: Date.parse("2026-11-30T00:00:00Z") });
          return new Promise((resolve) => setTimeout(() => resolve(0.5), 10));
        },
      },
    });
    const k = key({}, [{ usd: 10, period: "week", mode: "hard" }]);
    await Promise.all(Array.from({ length: 20 }, async (_, index) => g.admit(request(k, `r${index}`))));
    expect(queries).toBe(1);
    expect((await g.budgetsOf(k, at))[0]?.spentUsd).toBe(0.5);
  });

  it("when the counters fail: open admits with a warning header, closed refuses with 503", async () => {
    const broken: CounterStore = {
      kind: "broken",
      charge: () => Promise.reject(new Error("connection refused")),
      settle: () => undefined,
      seedBudget: () => undefined,
      budgetStates: () => [],
      close: () => Promise.resolve(),
    };
    const k = key({ rpm: 5 });
    expect(await governor({ counters: broken }).admit(request(k))).toEqual([
      "x-switchyard-governance",
      "unenforced; the shared counters are unreachable",
    ]);
    const closed = await refusal(() => governor({ counters: broken, onFailure: "closed" }).admit(request(k)));
    expect(closed.code).toBe("governance_unavailable");
    expect(closed.status).toBe(503);
  });
});

describe("formatReset", () => {
  it("spells durations as OpenAI does", () => {
    expect(formatReset(20)).toBe("20ms");
    expect(formatReset(1_000)).toBe("1s");
    expect(formatReset(1_500)).toBe("1.5s");
    expect(formatReset(360_000)).toBe("6m0s");
    expect(formatReset(61_250)).toBe("1m1.25s");
  });
});
