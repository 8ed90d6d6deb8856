import { catalogAt, formatCatalog } from "../catalog/matrix.js";
import { parseInstant } from "../catalog/time.js";
import type { GatewayConfig } from "../config/types.js";
import { GatewayError } from "../errors/gateway-error.js";
import { noHealth } from "../health/health-view.js";
import { formatPlan, planJson } from "../routing/explain.js";
import { PlanningService } from "../routing/planning-service.js";

export interface RouteOptions {
  readonly model: string | undefined;
  readonly tenant: string | undefined;
  readonly at: string | undefined;
  readonly strategy: string | undefined;
  readonly providers: string | undefined;
  readonly region: string | undefined;
  readonly promptTokens: string | undefined;
  readonly maxTokens: string | undefined;
  readonly json: boolean;
}

/** A problem with the command line: printed with the usage, exit status 2. */
export class UsageError extends Error {}

/**
 * `switchyard route`: the plan a request for a model would get, offline: catalog and policy at the
 * given date, with no live health (every circuit closed, no latency measured).
 */
export function routeCommand(config: GatewayConfig, options: RouteOptions, now: number): string {
  if (options.model === undefined) throw new UsageError("route: --model is required");
  if (!config.models.has(options.model))
    throw new UsageError(
      `route: unknown model "${options.model}" (known: ${[...config.models.keys()].join(", ")})`,
    );
  const tenant = options.tenant ?? "default";
  if (!config.tenants.has(tenant))
    throw new UsageError(
      `route: unknown tenant "${tenant}" (known: ${[...config.tenants.keys()].join(", ")})`,
    );
  const at = instantOption(options.at, now);
  const planner = new PlanningService(
    config,
    noHealth,
    () => at,
    () => 0,
  );
  let overrides;
  try {
    overrides = planner.overrides(tenant, {
      strategy: options.strategy,
      providers: options.providers,
      region: options.region,
    });
  } catch (error) {
    if (error instanceof GatewayError)
      throw new UsageError(`route: ${error.message.replace(/^x-switchyard-/, "--")}`);
    throw error;
  }
  const plan = planner.plan(
    tenant,
    {
      model: options.model,
      capabilities: [],
      stream: false,
      promptTokens: countOption("--prompt-tokens", options.promptTokens),
      maxOutputTokens: countOption("--max-tokens", options.maxTokens),
    },
    overrides,
  );
  const json = planJson(plan, options.at);
  return options.json ? `${JSON.stringify(json, null, 2)}\n` : formatPlan(json, tenant);
}

/** `switchyard catalog`: the model × provider matrix at a date, and each model's timeline. */
export function catalogCommand(
  config: GatewayConfig,
  options: { at: string | undefined; json: boolean },
  now: number,
): string {
  const at = instantOption(options.at, now);
  const label = options.at ?? new Date(at).toISOString();
  return options.json
    ? `${JSON.stringify(catalogAt(config, at, label), null, 2)}\n`
    : formatCatalog(config, at, label);
}

function instantOption(text: string | undefined, now: number): number {
  if (text === undefined) return now;
  const instant = /^\d{4}-\d{2}-\d{2}$/.test(text) ? parseInstant(text) : undefined;
  if (instant === undefined) throw new UsageError(`--at: "${text}" is not a date (YYYY-MM-DD)`);
  return instant;
}

function countOption(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw new UsageError(`${name}: "${text}" is not a token count`);
  return value;
}
