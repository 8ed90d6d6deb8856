import type { IncomingMessage, ServerResponse } from "node:http";
import type { ModelConfig } from "../../config/types.js";
import { GatewayError } from "../../errors/gateway-error.js";
import { keyAllowsModel } from "../../governance/keys.js";
import { sendJson } from "../respond.js";
import type { GatewayServices } from "../../gateway/compose.js";
import { requireKey } from "../../gateway/pipeline.js";
import { resolveModelForListing } from "../../gateway/plan-steps.js";
import type { RequestContext } from "./context.js";

/**
 * `GET /v1/models`: the models this key could be routed to now — allowed to the key, and with at least
 * one offering (or fallback model) inside its tenant's boundary and available today.
 */
export function openaiListModels(
  services: GatewayServices,
  request: IncomingMessage,
  response: ServerResponse,
  context: RequestContext,
): void {
  const key = requireKey(context);
  const servable = services.planner.servableModels(key.tenant);
  const data: object[] = [];
  for (const model of services.config.models.values())
    if (keyAllowsModel(key, model.id) && servable.has(model.id)) data.push(modelObject(model));
  sendJson(response, 200, { object: "list", data }, context.headers);
}

/** `GET /v1/models/{id}`: the same models as the list; any other id is a 404. */
export function openaiRetrieveModel(
  services: GatewayServices,
  request: IncomingMessage,
  response: ServerResponse,
  context: RequestContext,
  id: string,
): void {
  const key = requireKey(context);
  const model = resolveModelForListing(services, key, id);
  if (!services.planner.servableModels(key.tenant).has(model.id))
    throw new GatewayError(
      "model_not_found",
      `The model \`${id}\` is not available to this key now: no offering it may use serves it today.`,
      { param: "model" },
    );
  sendJson(response, 200, modelObject(model), context.headers);
}

function modelObject(model: ModelConfig): object {
  const created = model.releaseDate === undefined ? 0 : Math.floor(Date.parse(model.releaseDate) / 1000);
  return { id: model.id, object: "model", created, owned_by: model.vendor };
}
