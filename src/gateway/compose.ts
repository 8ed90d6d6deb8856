import type { Logger } from "pino";
import { chatCodecs, embeddingsCodecs } from "../codecs/registry.js";
import type { GatewayConfig } from "../config/types.js";
import { Executor } from "../engine/executor.js";
import { UpstreamPools } from "../engine/upstream-pools.js";
import { openAdmission, type Admission } from "../governance/admission.js";
import { KeyRing } from "../governance/keys.js";
import { HealthTracker } from "../health/tracker.js";
import { PlanningService } from "../routing/planning-service.js";
import { loadTokenizer } from "../routing/prompt-tokens.js";
import { createTransport, type Transport } from "../transports/index.js";
import { ConsistentResponseStore, MemoryResponseStore, type ResponseStore } from "./response-store.js";

/** Everything the pipeline and the routes need, built once from the frozen configuration. */
export interface GatewayServices {
  readonly config: GatewayConfig;
  readonly logger: Logger;
  readonly keys: KeyRing;
  readonly planner: PlanningService;
  readonly health: HealthTracker;
  readonly executor: Executor;
  readonly pools: UpstreamPools;
  /** The pipeline's admit step: governance (budgets, rate limits) decides here. */
  readonly admission: Admission;
  /** Stored Responses API answers, per tenant, for `previous_response_id` and `GET /v1/responses/{id}`. */
  readonly responses: ResponseStore;
  /** Seconds since the epoch, for response `created` fields. */
  readonly nowSeconds: () => number;
  /** Epoch milliseconds, for request start times. */
  readonly clock: () => number;
  /** Monotonic milliseconds, for durations. */
  readonly now: () => number;
  readonly nextRequestId: () => string;
}

export interface ComposeOptions {
  readonly logger: Logger;
  readonly admission?: Admission;
  /** Where Responses API answers are kept; by default in process, bounded (see `defaultResponseLimits`). */
  readonly responseStore?: ResponseStore;
}

/**
 * The in-process response store's bounds until the shared store backs it: the least recently used
 * responses go first once either is reached, so a gateway's memory for conversations stays bounded.
 */
export const defaultResponseLimits = { maxEntries: 10_000, maxBytes: 256 * 1024 * 1024 } as const;

/**
 * The composition root of a serving gateway: every long-lived service is built here, once, from
 * the frozen configuration. The CLI and the tests both come through here (via `startGateway`).
 */
export function composeGateway(config: GatewayConfig, options: ComposeOptions): GatewayServices {
  const logger = options.logger;
  const pools = new UpstreamPools({ connectTimeoutMs: config.upstream.connectTimeoutMs, connections: 128 });
  const transports = new Map<string, Transport>();
  for (const provider of config.providers.values()) transports.set(provider.id, createTransport(provider));
  const health = new HealthTracker(config.health);
  // A tenant that ranks by cost counts every prompt: load the tokenizer now rather than on a request.
  const countsTokens = [...config.tenants.values()].some(
    (tenant) => tenant.policy.strategy === "cheapest" || tenant.policy.strategy === "balanced",
  );
  if (countsTokens) void loadTokenizer();
  const executor = new Executor({
    health,
    pools,
    transports,
    chatCodecs,
    embeddingsCodecs,
    firstByteTimeoutMs: config.upstream.firstByteTimeoutMs,
    idleTimeoutMs: config.upstream.idleTimeoutMs,
    onFirstWarning: (provider, warning) =>
      logger.warn(
        { provider, warning },
        "a provider cannot take a request parameter (sent in x-switchyard-warnings)",
      ),
  });
  // Request ids: a random per-process prefix and a counter, unique without a syscall per request.
  const prefix = Math.random().toString(36).slice(2, 10);
  let counter = 0;
  return {
    config,
    logger,
    keys: new KeyRing(config.keys),
    planner: new PlanningService(config, health),
    health,
    executor,
    pools,
    admission: options.admission ?? openAdmission,
    responses: new ConsistentResponseStore(
      options.responseStore ?? new MemoryResponseStore(defaultResponseLimits),
    ),
    nowSeconds: () => Math.floor(Date.now() / 1000),
    clock: Date.now,
    now: performance.now.bind(performance),
    nextRequestId: () => `req_${prefix}${(++counter).toString(36)}`,
  };
}
