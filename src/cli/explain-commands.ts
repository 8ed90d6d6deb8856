import { catalogAt, formatCatalog } from "../catalog/matrix.js";
import { parseInstant } from "../catalog/time.js";
import type { GatewayConfig } from "../config/types.js";
import { GatewayError } from "../errors/gateway-error.js";
import { noHealth } from "../health/health-view.js";
import { formatPlan, planJson } from "../routing/explain.js";
import { PlanningService } from "../routing/planning-service.js";
import { UsageError } from "./cli-errors.js";
import { defineCommand, type CommandContext, type Flags } from "./command.js";
import { loadConfiguration } from "./configuration.js";
import { atFlag, configFlag, jsonFlag } from "./shared-flags.js";

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

export function instantOption(text: string | undefined, now: number): number {
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

export const routeFlags = {
  model: { type: "string", value: "M", description: "The model a request names (required)" },
  tenant: { type: "string", value: "T", description: "The tenant whose policy routes it (default: default)" },
  at: atFlag,
  strategy: {
    type: "string",
    value: "S",
    description: "Override the tenant's strategy, as x-switchyard-strategy does",
  },
  providers: {
    type: "string",
    value: "a,b",
    description: "Narrow to these providers, as x-switchyard-providers does",
  },
  region: {
    type: "string",
    value: "R",
    description: "Narrow to a region or geography, as x-switchyard-region does",
  },
  "prompt-tokens": {
    type: "string",
    value: "N",
    description: "The request's prompt size, for cost estimates",
  },
  "max-tokens": { type: "string", value: "N", description: "The request's max_tokens, for cost estimates" },
  json: jsonFlag,
  config: configFlag,
} as const satisfies Flags;

export const routeCommandEntry = defineCommand({
  name: "route",
  summary: "Print the plan a request would get: candidates in order, and why each other offering is out.",
  synopsis: "--model M [options]",
  details: `Offline: the catalog and the tenant's policy at the date, without live health (every circuit closed).
--json prints {"model","at","strategy","candidates":[{"provider","offering","reason"}],"excluded":[…]}.`,
  flags: routeFlags,
  async run(values, _positionals, context) {
    const config = await offlineConfig(values.config, context);
    context.stdout(
      routeCommand(
        config,
        {
          model: values.model,
          tenant: values.tenant,
          at: values.at,
          strategy: values.strategy,
          providers: values.providers,
          region: values.region,
          promptTokens: values["prompt-tokens"],
          maxTokens: values["max-tokens"],
          json: values.json,
        },
        context.now(),
      ),
    );
    return 0;
  },
});

export const catalogCommandEntry = defineCommand({
  name: "catalog",
  summary: "Print which provider may serve which model at a date, and each model's availability timeline.",
  details: `--json prints {"at","models":[{"model","vendor","providers":[{"provider","available","since","reason"}]}]}
(since: when the current state began, null if always).`,
  flags: { at: atFlag, json: jsonFlag, config: configFlag },
  async run(values, _positionals, context) {
    const config = await offlineConfig(values.config, context);
    context.stdout(catalogCommand(config, { at: values.at, json: values.json }, context.now()));
    return 0;
  },
});

/** The configuration as `serve` would load it, with the demo's clouds left unstarted. */
async function offlineConfig(
  configFlag: string | undefined,
  context: CommandContext,
): Promise<GatewayConfig> {
  const { config } = await loadConfiguration({
    configFlag,
    env: context.env,
    cwd: context.cwd,
    startDemoUpstreams: false,
    port: 4800,
    pacing: undefined,
  });
  return config;
}
