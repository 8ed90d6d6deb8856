import type { Logger } from "pino";
import type { BudgetRule, KeyConfig, TenantConfig } from "../config/types.js";
import type { RequestReport } from "../core/request-report.js";
import { GatewayError } from "../errors/gateway-error.js";
import { priceAt } from "../catalog/pricing.js";
import { expectedCost } from "../routing/cost.js";
import type { Plan } from "../routing/plan.js";
import type { AdmissionRequest, SettlingAdmission } from "./admission.js";
import { budgetWindow } from "./budget-window.js";
import { budgetExceeded, rateLimited, rateLimitHeaders, type Scope } from "./refusals.js";
import {
  fromNanos,
  toNanos,
  type BucketCharge,
  type BudgetCharge,
  type ChargeRequest,
  type ChargeResult,
  type CounterStore,
} from "./counters.js";

/** Where a budget window's spend so far is read from when its counter is new: the ledger. */
export interface SpendSource {
  spendUsd(filter: { tenant?: string; keyId?: string; from?: number }): Promise<number>;
}

export interface GovernorOptions {
  readonly counters: CounterStore;
  readonly tenants: { tenant(id: string): TenantConfig | undefined };
  /** The ledger, for seeding budget windows; without one, a new window starts at zero. */
  readonly spend?: SpendSource | undefined;
  readonly logger: Logger;
  /** The output bound reserved when neither the request nor the offering sets one. */
  readonly defaultOutputTokens: number;
  /** Counters unreachable: `open` admits (with a warning header), `closed` refuses with 503. */
  readonly onFailure: "open" | "closed";
}

/** What one admitted request holds until its report settles it. */
interface Held {
  readonly buckets: readonly (BucketCharge & { readonly unit: "requests" | "tokens" })[];
  readonly budgets: readonly BudgetCharge[];
}

const MINUTE_MS = 60_000;

/**
 * Budgets and rate limits, per key and per tenant, on a CounterStore (in process, or Redis across
 * replicas). The admit step charges a request before any upstream call — one request and its prompt's
 * tokens from each rate limit, and its bounded expected cost (prompt × input price + output bound ×
 * output price on the most expensive candidate of its plan) reserved on each budget window. The
 * request's report settles it at the finish point: the tokens with the real usage, the reservation
 * released and the real cost (the ledger's, from the same report) added to the spend. So concurrent
 * requests can never spend more than a hard budget, unless a request costs more than its bound.
 */
export class Governor implements SettlingAdmission {
  readonly #counters: CounterStore;
  readonly #tenants: GovernorOptions["tenants"];
  readonly #spend: SpendSource | undefined;
  readonly #logger: Logger;
  readonly #defaultOutputTokens: number;
  readonly #onFailure: "open" | "closed";
  /**
   * Charges held by requests in flight, by request id. A dictionary object rather than a Map: a Map
   * that takes and drops one entry per request rebuilds its table every few dozen requests, and the
   * abandoned tables chain every finished request's charge into the young-generation collections
   * (see http/in-flight.ts); a dictionary reuses its deleted slots in place.
   */
  readonly #held: Record<string, Held | undefined> = Object.create(null) as Record<string, Held | undefined>;
  #heldCount = 0;
  /** Budget windows being seeded from the ledger: concurrent first requests wait on one query. */
  readonly #seeding = new Map<string, Promise<void>>();
  /** Budget id → when a soft-budget warning was last logged (at most one line a minute per budget). */
  readonly #softLogged = new Map<string, number>();
  #failureLoggedAt = 0;

  constructor(options: GovernorOptions) {
    this.#counters = options.counters;
    this.#tenants = options.tenants;
    this.#spend = options.spend;
    this.#logger = options.logger;
    this.#defaultOutputTokens = options.defaultOutputTokens;
    this.#onFailure = options.onFailure;
  }

  get counters(): CounterStore {
    return this.#counters;
  }

  /** Requests admitted and not settled yet. */
  get inFlight(): number {
    return this.#heldCount;
  }

  admit(request: AdmissionRequest): readonly string[] | undefined | Promise<readonly string[] | undefined> {
    const scopes = this.#scopes(request.key);
    if (scopes.length === 0) return undefined;
    const needsTokens = scopes.some((scope) => scope.limits.tpm !== undefined || scope.budgets.length > 0);
    if (!needsTokens) return this.#admitCounted(request, scopes, 0);
    const counted = request.countPromptTokens();
    return counted instanceof Promise
      ? counted.then((tokens) => this.#admitCounted(request, scopes, tokens))
      : this.#admitCounted(request, scopes, counted);
  }

  #hold(requestId: string, held: Held): void {
    if (this.#held[requestId] === undefined) this.#heldCount++;
    this.#held[requestId] = held;
  }

  /** Settles a request's charge from its report; called for every report, most of which hold nothing. */
  settle(report: RequestReport): void {
    const held = this.#held[report.requestId];
    if (held === undefined) return;
    delete this.#held[report.requestId];
    this.#heldCount--;
    const usage = report.usage;
    const usedTokens = usage === undefined ? 0 : usage.inputTokens + usage.outputTokens;
    const spendNanos = report.cost === undefined ? 0 : toNanos(report.cost.usd);
    const settled = this.#counters.settle({
      buckets: held.buckets
        .filter((bucket) => bucket.unit === "tokens")
        .map((bucket) => ({
          id: bucket.id,
          capacity: bucket.capacity,
          periodMs: bucket.periodMs,
          give: bucket.take - usedTokens,
        })),
      budgets: held.budgets.map((budget) => ({
        id: budget.id,
        releaseNanos: budget.reserveNanos,
        spendNanos,
        expiresAt: budget.expiresAt,
      })),
    });
    if (settled instanceof Promise)
      settled.catch((error: unknown) =>
        this.#logger.error(
          { err: error, requestId: report.requestId },
          "settling a request's budgets failed",
        ),
      );
  }

  /** The state of every budget of a key and its tenant now (for `/admin/keys/{id}`). */
  async budgetsOf(key: KeyConfig, at: number): Promise<BudgetReport[]> {
    const entries = this.#scopes(key).flatMap((scope) =>
      scope.budgets.map((rule) => ({ scope, rule, window: budgetWindow(rule.period, at) })),
    );
    const states = await this.#counters.budgetStates(
      entries.map(({ scope, rule, window }) => budgetId(scope, rule, window.label)),
    );
    return entries.map(({ scope, rule, window }, index) => {
      const state = states[index];
      return {
        scope: scope.kind,
        id: scope.id,
        period: rule.period,
        mode: rule.mode,
        usd: rule.usd,
        window: window.label,
        spentUsd: state === undefined ? undefined : fromNanos(state.spentNanos),
        reservedUsd: state === undefined ? undefined : fromNanos(state.reservedNanos),
        resetsAt: window.end === undefined ? undefined : new Date(window.end).toISOString(),
      };
    });
  }

  #scopes(key: KeyConfig): Scope[] {
    const scopes: Scope[] = [];
    if (key.limits.rpm !== undefined || key.limits.tpm !== undefined || key.budgets.length > 0)
      scopes.push({
        kind: "key",
        id: key.id,
        label: `key "${key.name}"`,
        limits: key.limits,
        budgets: key.budgets,
      });
    const tenant = this.#tenants.tenant(key.tenant);
    if (
      tenant !== undefined &&
      (tenant.limits.rpm !== undefined || tenant.limits.tpm !== undefined || tenant.budgets.length > 0)
    )
      scopes.push({
        kind: "tenant",
        id: tenant.id,
        label: `tenant "${tenant.id}"`,
        limits: tenant.limits,
        budgets: tenant.budgets,
      });
    return scopes;
  }

  #admitCounted(
    request: AdmissionRequest,
    scopes: readonly Scope[],
    promptTokens: number,
  ): readonly string[] | undefined | Promise<readonly string[] | undefined> {
    const reserveNanos = toNanos(this.#reservation(request.plan, promptTokens, request.maxOutputTokens));
    const buckets: (BucketCharge & { unit: "requests" | "tokens"; scope: Scope })[] = [];
    const budgets: (BudgetCharge & { rule: BudgetRule; scope: Scope; windowStart: number | undefined })[] =
      [];
    for (const scope of scopes) {
      const { rpm, tpm } = scope.limits;
      if (rpm !== undefined)
        buckets.push({
          id: bucketId(scope, "requests"),
          capacity: rpm,
          periodMs: MINUTE_MS,
          take: 1,
          unit: "requests",
          scope,
        });
      if (tpm !== undefined)
        buckets.push({
          id: bucketId(scope, "tokens"),
          capacity: tpm,
          periodMs: MINUTE_MS,
          take: promptTokens,
          unit: "tokens",
          scope,
        });
      for (const rule of scope.budgets) {
        const window = budgetWindow(rule.period, request.startedAt);
        budgets.push({
          id: budgetId(scope, rule, window.label),
          limitNanos: toNanos(rule.usd),
          reserveNanos,
          hard: rule.mode === "hard",
          expiresAt: window.end,
          rule,
          scope,
          windowStart: window.start,
        });
      }
    }
    const charge: ChargeRequest = { buckets, budgets };
    const unavailable = (error: unknown): readonly string[] =>
      this.#unavailable(error, request.requestId, budgets);
    const decide = (
      result: ChargeResult,
    ): readonly string[] | undefined | Promise<readonly string[] | undefined> => {
      if (result.outcome !== "unseeded")
        return this.#verdict(request, result, buckets, budgets, reserveNanos);
      const seeded = this.#seed(
        result.budgets.map((index) => budgets[index]).filter((budget) => budget !== undefined),
      );
      return seeded.then(
        () =>
          this.#charged(
            this.#counters.charge(charge),
            (again) => {
              if (again.outcome === "unseeded")
                throw new Error("budget windows stayed unseeded after seeding");
              return this.#verdict(request, again, buckets, budgets, reserveNanos);
            },
            unavailable,
          ),
        unavailable,
      );
    };
    return this.#charged(this.#counters.charge(charge), decide, unavailable);
  }

  /** Runs `decide` on a charge's result, applying the failure mode when the counters cannot answer. */
  #charged(
    result: ChargeResult | Promise<ChargeResult>,
    decide: (result: ChargeResult) => readonly string[] | undefined | Promise<readonly string[] | undefined>,
    unavailable: (error: unknown) => readonly string[],
  ): readonly string[] | undefined | Promise<readonly string[] | undefined> {
    if (!(result instanceof Promise)) return decide(result);
    return result.then(decide, unavailable);
  }

  /**
   * The counters (or the ledger that seeds them) did not answer. Open: the request goes on unchecked, and
   * its real cost is still added to its budgets at the finish (nothing was taken, so nothing is given
   * back or released). Closed: 503.
   */
  #unavailable(error: unknown, requestId: string, budgets: readonly BudgetCharge[]): readonly string[] {
    if (error instanceof GatewayError) throw error;
    const now = Date.now();
    if (now - this.#failureLoggedAt > MINUTE_MS) {
      this.#failureLoggedAt = now;
      this.#logger.warn(
        { err: error, onFailure: this.#onFailure },
        this.#onFailure === "open"
          ? "rate limits and budgets cannot be checked (shared counters unavailable): admitting requests unchecked"
          : "rate limits and budgets cannot be checked (shared counters unavailable): refusing requests",
      );
    }
    if (this.#onFailure === "closed")
      throw new GatewayError(
        "governance_unavailable",
        "Rate limits and budgets cannot be checked right now (their shared store is unreachable). Retry shortly.",
        { retryAfterSeconds: 1 },
      );
    if (budgets.length > 0)
      this.#hold(requestId, {
        buckets: [],
        budgets: budgets.map((budget) => ({ ...budget, reserveNanos: 0 })),
      });
    return ["x-switchyard-governance", "unenforced; the shared counters are unreachable"];
  }

  #verdict(
    request: AdmissionRequest,
    result: Exclude<ChargeResult, { outcome: "unseeded" }>,
    buckets: readonly (BucketCharge & { unit: "requests" | "tokens"; scope: Scope })[],
    budgets: readonly (BudgetCharge & { rule: BudgetRule; scope: Scope })[],
    reserveNanos: number,
  ): readonly string[] {
    const headers = rateLimitHeaders(buckets, result.buckets);
    if (result.outcome === "refused") {
      if (result.budget !== undefined) {
        const budget = budgets[result.budget.index];
        const state = result.budgets[result.budget.index];
        if (budget !== undefined && state !== undefined)
          throw budgetExceeded(budget, state, reserveNanos, request.startedAt, headers);
      }
      const refused = result.bucket === undefined ? undefined : buckets[result.bucket.index];
      const state = result.bucket === undefined ? undefined : result.buckets[result.bucket.index];
      throw rateLimited(refused, state, result.bucket?.retryAfterMs, headers);
    }
    this.#hold(request.requestId, { buckets, budgets });
    budgets.forEach((budget, index) => {
      const state = result.budgets[index];
      if (budget.hard || state === undefined) return;
      if (state.spentNanos + state.reservedNanos <= budget.limitNanos) return;
      headers.push(
        "x-switchyard-budget-warning",
        `soft budget exceeded: ${budget.scope.label} ${budget.rule.period} $${budget.rule.usd}`,
      );
      const loggedAt = this.#softLogged.get(budget.id) ?? 0;
      if (request.startedAt - loggedAt >= MINUTE_MS) {
        this.#softLogged.set(budget.id, request.startedAt);
        this.#logger.warn(
          {
            budget: budget.id,
            limitUsd: budget.rule.usd,
            spentUsd: fromNanos(state.spentNanos),
            reservedUsd: fromNanos(state.reservedNanos),
          },
          `soft budget exceeded: ${budget.scope.label} ${budget.rule.period}; answering (at most one line a minute per budget)`,
        );
      }
    });
    return headers;
  }

  /** The most the request can cost on any candidate of its plan. */
  #reservation(plan: Plan, promptTokens: number, maxOutputTokens: number | undefined): number {
    let most = 0;
    for (const candidate of plan.candidates) {
      const price = priceAt(candidate.offering, plan.at);
      if (price === undefined) continue;
      const cost = expectedCost(
        price,
        promptTokens,
        maxOutputTokens,
        candidate.offering.maxOutputTokens ?? this.#defaultOutputTokens,
      );
      if (cost > most) most = cost;
    }
    return most;
  }

  /** Seeds new budget windows with what the ledger already holds for them (one query per window at a time). */
  #seed(
    budgets: readonly (BudgetCharge & { scope: Scope; windowStart: number | undefined })[],
  ): Promise<void> {
    return Promise.all(
      budgets.map((budget) => {
        let seeding = this.#seeding.get(budget.id);
        if (seeding === undefined) {
          const filter = {
            ...(budget.scope.kind === "key" ? { keyId: budget.scope.id } : { tenant: budget.scope.id }),
            ...(budget.windowStart === undefined ? {} : { from: budget.windowStart }),
          };
          seeding = (this.#spend === undefined ? Promise.resolve(0) : this.#spend.spendUsd(filter))
            .then((usd) => this.#counters.seedBudget(budget.id, toNanos(usd), budget.expiresAt))
            .finally(() => this.#seeding.delete(budget.id));
          this.#seeding.set(budget.id, seeding);
        }
        return seeding;
      }),
    ).then(() => undefined);
  }
}

/** A budget's state as `/admin/keys/{id}` and `switchyard keys show` report it. */
export interface BudgetReport {
  readonly scope: "key" | "tenant";
  readonly id: string;
  readonly period: BudgetRule["period"];
  readonly mode: BudgetRule["mode"];
  readonly usd: number;
  readonly window: string;
  /** Undefined: this window has no counter yet (no request counted in it since the gateway started). */
  readonly spentUsd: number | undefined;
  readonly reservedUsd: number | undefined;
  readonly resetsAt: string | undefined;
}

function bucketId(scope: Scope, unit: "requests" | "tokens"): string {
  return `rl:${scope.kind}:${scope.id}:${unit}`;
}

function budgetId(scope: Scope, rule: BudgetRule, window: string): string {
  return `budget:${scope.kind}:${scope.id}:${rule.period}:${window}`;
}
