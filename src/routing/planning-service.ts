import { boundariesOf } from "../catalog/agreements.js";
import { GEOGRAPHIES, REGION_NAME } from "../catalog/regions.js";
import type { InputLimits } from "../codecs/codec.js";
import { chatCodecs } from "../codecs/registry.js";
import type { Dialect } from "../core/chat-request.js";
import { strategies } from "../config/schema.js";
import type { GatewayConfig, PolicyConfig, Strategy, TenantConfig } from "../config/types.js";
import { GatewayError } from "../errors/gateway-error.js";
import type { HealthView } from "../health/health-view.js";
import type { Plan } from "./plan.js";
import { planRequest, type PlanOverrides, type RequestFeatures } from "./planner.js";
import { servableModels } from "./servable-models.js";
import { inputsKey } from "./request-inputs.js";

/** Every chat codec's declared input limits, by dialect: what the planner checks per offering. */
export const chatInputLimits: ReadonlyMap<Dialect, InputLimits> = new Map(
  [...chatCodecs].map(([dialect, codec]) => [dialect, codec.inputLimits]),
);

const strategySet = new Set<string>(strategies);

/** More distinct plan keys than this (tenants × models × shapes) empties the cache. */
const MAX_CACHED_PLANS = 10_000;

interface CachedPlan {
  readonly plan: Plan;
  readonly madeAt: number;
  readonly version: number;
  readonly tenantsVersion: number;
  /** The first instant the plan may differ: an availability boundary or a circuit half-opening. */
  readonly validUntil: number;
}

/** Where tenants come from; `version` changes whenever one does (cached plans and model lists key on it). */
export interface TenantSource {
  tenant(id: string): TenantConfig | undefined;
  readonly version: number;
}

/** What a key narrows of its tenant's boundary. */
export interface KeyNarrowing {
  readonly id: string;
  readonly providers: ReadonlySet<string> | undefined;
  readonly regions: readonly string[] | undefined;
}

function keyId(key: KeyNarrowing | undefined): string {
  return key?.id ?? "";
}

/** The override headers a client may send, already read from the request. */
export interface OverrideHeaders {
  readonly strategy: string | undefined;
  readonly providers: string | undefined;
  readonly region: string | undefined;
}

/**
 * The planner with its live inputs: the catalog, the tenant's policy, the health tracker, the clock
 * and a random source. Everything that is not pure lives here, so `planRequest` stays pure.
 */
export class PlanningService {
  readonly #config: GatewayConfig;
  readonly #tenants: TenantSource;
  readonly #health: HealthView;
  readonly #clock: () => number;
  readonly #random: () => number;
  readonly #inputLimits: ReadonlyMap<Dialect, InputLimits>;
  /** Each model's availability boundaries, ascending: a plan cannot change between two of them. */
  readonly #boundaries = new Map<string, number[]>();
  readonly #cache = new Map<string, CachedPlan>();
  /** Per key id: its tenant's policy narrowed by the key. */
  readonly #narrowed = new Map<string, { version: number; base: PolicyConfig; policy: PolicyConfig }>();
  /** Per tenant: the models it could be routed to, until the next availability boundary of any model. */
  readonly #servable = new Map<
    string,
    { models: ReadonlySet<string>; madeAt: number; validUntil: number; tenantsVersion: number }
  >();
  /** What `x-switchyard-region` may name: the providers' regions and geographies, and every known geography. */
  readonly #knownRegions: ReadonlySet<string>;

  constructor(
    config: GatewayConfig,
    health: HealthView,
    clock: () => number = Date.now,
    random = Math.random,
    inputLimits: ReadonlyMap<Dialect, InputLimits> = chatInputLimits,
    /** Where tenants come from: the configuration's, or a directory that adds the store's. */
    tenants: TenantSource = { tenant: (id) => config.tenants.get(id), version: 0 },
  ) {
    this.#config = config;
    this.#tenants = tenants;
    this.#inputLimits = inputLimits;
    this.#health = health;
    this.#clock = clock;
    this.#random = random;
    this.#knownRegions = new Set(
      [
        ...GEOGRAPHIES,
        ...config.offerings.flatMap((offering) => [offering.region, offering.geo]),
        ...[...config.providers.values()].map((provider) => provider.region),
      ].filter((name): name is string => name !== undefined),
    );
    for (const model of config.models.keys()) {
      const points = config.offerings
        .filter((offering) => offering.model === model)
        .flatMap((offering) => boundariesOf(offering, config));
      this.#boundaries.set(
        model,
        [...new Set(points)].sort((a, b) => a - b),
      );
    }
  }

  tenant(id: string): TenantConfig {
    const tenant = this.#tenants.tenant(id) ?? this.#tenants.tenant("default");
    if (tenant === undefined) throw new Error("the default tenant is missing from the configuration");
    return tenant;
  }

  /** Whether the tenant's strategy (or the override) ranks by this request's cost, which needs a token count. */
  needsPromptTokens(tenantId: string, overrides: PlanOverrides): boolean {
    const strategy = overrides.strategy ?? this.tenant(tenantId).policy.strategy;
    return strategy === "cheapest" || strategy === "balanced";
  }

  /**
   * The plan for a request. Plans that depend only on the catalog, the policy, the circuits and the
   * time — `preferred` and `pinned` without override headers — are cached until the next availability
   * boundary of the models involved, the next circuit to half-open, or any circuit's change of state.
   * The others read per-request data (prompt size, live latency, a random draw) and are made each time.
   */
  plan(
    tenantId: string,
    request: RequestFeatures,
    overrides: PlanOverrides,
    at?: number,
    narrowing?: KeyNarrowing,
  ): Plan {
    const policy = this.#policyFor(tenantId, narrowing);
    const now = at ?? this.#clock();
    const strategy = overrides.strategy ?? policy.strategy;
    const cacheable =
      at === undefined &&
      (strategy === "preferred" || strategy === "pinned") &&
      overrides.providers === undefined &&
      overrides.regions === undefined &&
      // A request's beta flags may exclude offerings by its prompt size: planned each time.
      request.betas === undefined;
    const input = {
      catalog: this.#config,
      policy,
      overrides,
      health: this.#health,
      request,
      now,
      random: cacheable ? 0 : this.#random(),
      inputLimits: this.#inputLimits,
    };
    if (!cacheable) return planRequest(input);
    const narrowed = policy.keyProviders !== undefined || policy.keyRegions !== undefined;
    const key = `${tenantId}${narrowed ? `\u0001${keyId(narrowing)}` : ""}\u0000${request.model}\u0000${request.capabilities.join(",")}\u0000${request.stream ? 1 : 0}\u0000${request.maxOutputTokens ?? ""}\u0000${strategy}\u0000${inputsKey(request.inputs)}`;
    const cached = this.#cache.get(key);
    const version = this.#health.version;
    const tenantsVersion = this.#tenants.version;
    if (
      cached !== undefined &&
      now < cached.validUntil &&
      now >= cached.madeAt &&
      cached.version === version &&
      cached.tenantsVersion === tenantsVersion
    )
      return cached.plan;
    const plan = planRequest(input);
    if (this.#cache.size >= MAX_CACHED_PLANS) this.#cache.clear();
    const models = [request.model, ...(policy.fallbacks.get(request.model) ?? [])];
    this.#cache.set(key, {
      plan,
      madeAt: now,
      version,
      tenantsVersion,
      validUntil: Math.min(this.#nextBoundary(models, now), this.#health.earliestReopen()),
    });
    return plan;
  }

  /** The tenant's policy, narrowed by the key's providers and regions when it has any (never widened). */
  #policyFor(tenantId: string, key: KeyNarrowing | undefined): PolicyConfig {
    const policy = this.tenant(tenantId).policy;
    if (key === undefined || (key.providers === undefined && key.regions === undefined)) return policy;
    const version = this.#tenants.version;
    const cached = this.#narrowed.get(key.id);
    if (cached !== undefined && cached.version === version && cached.base === policy) return cached.policy;
    const narrowed: PolicyConfig = { ...policy, keyProviders: key.providers, keyRegions: key.regions };
    if (this.#narrowed.size >= MAX_CACHED_PLANS) this.#narrowed.clear();
    this.#narrowed.set(key.id, { version, base: policy, policy: narrowed });
    return narrowed;
  }

  /**
   * The models the tenant could be routed to now (see `servableModels`). The answer depends only on the
   * catalog, the policy and the time, so it is kept per tenant until the next availability boundary.
   */
  servableModels(tenantId: string): ReadonlySet<string> {
    const now = this.#clock();
    const cached = this.#servable.get(tenantId);
    if (
      cached !== undefined &&
      now >= cached.madeAt &&
      now < cached.validUntil &&
      cached.tenantsVersion === this.#tenants.version
    )
      return cached.models;
    const models = servableModels(this.#config, this.tenant(tenantId).policy, now);
    // Unknown tenant ids fall back to the default policy; the keys name a bounded set of tenants.
    this.#servable.set(tenantId, {
      models,
      tenantsVersion: this.#tenants.version,
      madeAt: now,
      validUntil: this.#nextBoundary([...this.#config.models.keys()], now),
    });
    return models;
  }

  #nextBoundary(models: readonly string[], now: number): number {
    let next = Infinity;
    for (const model of models)
      for (const point of this.#boundaries.get(model) ?? [])
        if (point > now) {
          if (point < next) next = point;
          break;
        }
    return next;
  }

  /**
   * Validates `x-switchyard-strategy`, `x-switchyard-providers` and `x-switchyard-region`. They narrow
   * the tenant's bounds and never widen them: a provider outside the tenant's allowed set is refused;
   * regions are intersected with the tenant's (its boundary is applied first, always).
   */
  overrides(tenantId: string, headers: OverrideHeaders): PlanOverrides {
    const policy = this.tenant(tenantId).policy;
    let strategy: Strategy | undefined;
    if (headers.strategy !== undefined) {
      const value = headers.strategy.trim();
      if (!strategySet.has(value))
        throw invalidHeader(
          "x-switchyard-strategy",
          `unknown strategy "${value}" (one of ${strategies.join(", ")})`,
        );
      strategy = value as Strategy;
    }
    let providers: Set<string> | undefined;
    if (headers.providers !== undefined) {
      providers = new Set();
      for (const item of splitList(headers.providers)) {
        if (!this.#config.providers.has(item))
          throw invalidHeader("x-switchyard-providers", `unknown provider "${item}"`);
        if (
          policy.denyProviders.has(item) ||
          (policy.allowProviders !== undefined && !policy.allowProviders.has(item))
        )
          throw invalidHeader(
            "x-switchyard-providers",
            `provider "${item}" is outside what the tenant allows (overrides can only narrow it)`,
          );
        providers.add(item);
      }
      if (providers.size === 0) throw invalidHeader("x-switchyard-providers", "names no provider");
    }
    let regions: string[] | undefined;
    if (headers.region !== undefined) {
      regions = splitList(headers.region);
      const bad = regions.find((region) => !REGION_NAME.test(region));
      if (bad !== undefined || regions.length === 0)
        throw invalidHeader(
          "x-switchyard-region",
          `"${bad ?? ""}" is not a region or geography name (e.g. eu, us-east-1)`,
        );
      // A region no provider is in and no geography would match nothing: say so, not "no offering".
      const unknown = regions.find((region) => !this.#knownRegions.has(region));
      if (unknown !== undefined)
        throw invalidHeader(
          "x-switchyard-region",
          `unknown region or geography "${unknown}" (known: ${[...this.#knownRegions].sort().join(", ")})`,
        );
    }
    return { strategy, providers, regions };
  }
}

function splitList(value: string): string[] {
  return value
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
}

function invalidHeader(header: string, problem: string): GatewayError {
  return new GatewayError("invalid_request", `${header}: ${problem}`, { param: header });
}
