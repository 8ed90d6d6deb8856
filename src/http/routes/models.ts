import type { IncomingMessage, ServerResponse } from "node:http";
import type { ModelConfig } from "../../config/types.js";
import { keyAllowsModel } from "../../governance/keys.js";
import { sendJson } from "../respond.js";
import type { GatewayServices } from "../../gateway/compose.js";
import { requireKey } from "../../gateway/pipeline.js";
import { resolveModelForListing } from "../../gateway/plan-steps.js";
import type { RequestContext } from "./context.js";

/** `GET /v1/models`: the models this key may use. */
export function openaiListModels(
  services: GatewayServices,
  request: IncomingMessage,
  response: ServerResponse,
  context: RequestContext,
): void {
  const key = requireKey(context);
  const data: object[] = [];
  for (const model of services.config.models.values())
    if (keyAllowsModel(key, model.id)) data.push(modelObject(model));
  sendJson(response, 200, { object: "list", data }, context.headers);
}

/** `GET /v1/models/{id}` */
export function openaiRetrieveModel(
  services: GatewayServices,
  request: IncomingMessage,
  response: ServerResponse,
  context: RequestContext,
  id: string,
): void {
  const key = requireKey(context);
  sendJson(response, 200, modelObject(resolveModelForListing(services, key, id)), context.headers);
}

function modelObject(model: ModelConfig): object {
  const created = model.releaseDate === undefined ? 0 : Math.floor(Date.parse(model.releaseDate) / 1000);
  return { id: model.id, object: "model", created, owned_by: model.vendor };
}
