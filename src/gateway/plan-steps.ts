import type { IncomingHttpHeaders } from "node:http";
import { CONTEXT_1M_BETA } from "../catalog/anthropic-betas.js";
import type { Capability, KeyConfig, ModelConfig } from "../config/types.js";
import type { ChatRequest } from "../core/chat-request.js";
import { GatewayError } from "../errors/gateway-error.js";
import { keyAllowsModel } from "../governance/keys.js";
import type { Plan } from "../routing/plan.js";
import type { PlanOverrides, RequestFeatures } from "../routing/planner.js";
import { countPromptTokens, loadTokenizer, tokenizerReady } from "../routing/prompt-tokens.js";
import type { GatewayServices } from "./compose.js";
import { requestInputs } from "../routing/request-inputs.js";

/*
 * The resolve and plan steps of the request pipeline (see pipeline.ts): which catalog model a key
 * asks for, what the request needs from it, and the plan the tenant's policy gives it.
 */

/**
 * The catalog model a key asks for, checked for the operation. Unknown models and models the key
 * may not use get the same 404, so a key cannot probe for models it is not allowed.
 */
export function resolveModel(
  services: GatewayServices,
  key: KeyConfig,
  model: string,
  operation: "chat" | "embeddings",
): ModelConfig {
  const found = resolveModelForListing(services, key, model);
  if (!found.capabilities.has(operation)) {
    const does = operation === "chat" ? "chat completions" : "embeddings";
    throw new GatewayError("invalid_request", `The model \`${model}\` does not support ${does}.`, {
      param: "model",
    });
  }
  return found;
}

/**
 * The plan for one request: the key's tenant policy, narrowed by the request's `x-switchyard-*`
 * headers, at the current time and health. Prompt tokens are counted only when the strategy
 * ranks by this request's cost.
 */
export function planFor(
  services: GatewayServices,
  key: KeyConfig,
  headers: IncomingHttpHeaders,
  request: { model: string; capabilities: readonly Capability[]; chat?: ChatRequest },
): Plan | Promise<Plan> {
  const planned = planFeatures(services, key.tenant, headers, request.model, request.chat);
  const plan = ({ features, overrides }: Awaited<typeof planned>): Plan =>
    services.planner.plan(
      key.tenant,
      { ...features, capabilities: request.capabilities },
      overrides,
      undefined,
      key,
    );
  return planned instanceof Promise ? planned.then(plan) : plan(planned);
}

/** What the planner needs from a request: its features and the validated override headers. */
interface PlanInputs {
  readonly features: RequestFeatures;
  readonly overrides: PlanOverrides;
}

/** What the planner needs from a request: its features and the validated override headers. */
export function planFeatures(
  services: GatewayServices,
  tenant: string,
  headers: IncomingHttpHeaders,
  model: string,
  chat: ChatRequest | undefined,
): PlanInputs | Promise<PlanInputs> {
  const planner = services.planner;
  const overrides = planner.overrides(tenant, {
    strategy: headerValue(headers["x-switchyard-strategy"]),
    providers: headerValue(headers["x-switchyard-providers"]),
    region: headerValue(headers["x-switchyard-region"]),
  });
  // A prompt's size also decides whether a cloud without `context-1m-2025-08-07` can serve it.
  const needsTokens =
    chat !== undefined &&
    (planner.needsPromptTokens(tenant, overrides) || chat.betas?.includes(CONTEXT_1M_BETA) === true);
  // Only the first request that needs a token count waits for the tokenizer to load.
  if (needsTokens && !tokenizerReady())
    return loadTokenizer().then(() => planFeatures(services, tenant, headers, model, chat));
  const features: RequestFeatures = {
    model,
    capabilities: chat === undefined ? [] : requiredCapabilities(chat, openaiFields).map(([need]) => need),
    stream: chat?.stream ?? false,
    promptTokens: needsTokens && chat !== undefined ? countPromptTokens(chat) : undefined,
    maxOutputTokens: chat?.maxOutputTokens,
    inputs: chat === undefined ? undefined : requestInputs(chat),
    betas: chat?.betas,
  };
  return { features, overrides };
}

/** How a client dialect names the request fields that need a capability, for the 400 that names them. */
export interface CapabilityFields {
  readonly tools: string;
  readonly json: string;
  /** The field of the `index`-th canonical message (a dialect whose messages do not map 1:1 names the list). */
  readonly vision: (index: number) => string;
}

export const openaiFields: CapabilityFields = {
  tools: "tools",
  json: "response_format",
  vision: (index) => `messages[${index}].content`,
};

/** The capabilities a chat request needs from its model and offerings, each with the field that needs it. */
export function requiredCapabilities(chat: ChatRequest, fields: CapabilityFields): [Capability, string][] {
  const needs: [Capability, string][] = [];
  if (chat.tools !== undefined && chat.tools.length > 0) needs.push(["tools", fields.tools]);
  if (chat.responseFormat !== undefined && chat.responseFormat.type !== "text")
    needs.push(["json", fields.json]);
  chat.messages.forEach((message, index) => {
    if (message.role === "user" && message.content.some((part) => part.type === "image"))
      needs.push(["vision", fields.vision(index)]);
  });
  return needs;
}

/**
 * The plan for a chat request, after checking that the key may use its model and that the model has every
 * capability the request needs (a 400 naming the field otherwise). A promise only while the tokenizer
 * loads for the first request that needs a token count.
 */
export function planChat(
  services: GatewayServices,
  key: KeyConfig,
  headers: IncomingHttpHeaders,
  chat: ChatRequest,
  needs: readonly [Capability, string][],
): Plan | Promise<Plan> {
  const model = resolveModel(services, key, chat.model, "chat");
  for (const [capability, param] of needs) requireCapability(model, capability, param);
  const capabilities = needs.map(([capability]) => capability);
  return planFor(services, key, headers, { model: chat.model, capabilities, chat });
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(",") : value;
}

/** Rejects a request that needs a capability the model lacks, naming the field that needs it. */
export function requireCapability(model: ModelConfig, capability: Capability, param: string): void {
  if (!model.capabilities.has(capability)) {
    throw new GatewayError(
      "unsupported_parameter",
      `The model \`${model.id}\` does not support ${capability}.`,
      {
        param,
      },
    );
  }
}

/** The catalog model a key may see, or a 404 naming it. */
export function resolveModelForListing(
  services: GatewayServices,
  key: KeyConfig,
  model: string,
): ModelConfig {
  const found = services.config.models.get(model);
  if (found === undefined || !keyAllowsModel(key, model)) {
    throw new GatewayError(
      "model_not_found",
      `The model \`${model}\` does not exist or you do not have access to it.`,
      {
        param: "model",
      },
    );
  }
  return found;
}
