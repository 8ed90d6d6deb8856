import type { IncomingMessage, ServerResponse } from "node:http";
import { parseInstant } from "../../catalog/time.js";
import { GatewayError } from "../../errors/gateway-error.js";
import { withBetas } from "../../ingress/anthropic/betas.js";
import { parseChatRequest } from "../../ingress/openai/parse-chat-request.js";
import { planJson } from "../../routing/explain.js";
import { readModelRequest } from "../body.js";
import { sendJson } from "../respond.js";
import type { GatewayServices } from "../../gateway/compose.js";
import { requireAdminKey } from "../../gateway/pipeline.js";
import { planFeatures } from "../../gateway/plan-steps.js";
import type { RequestContext } from "./context.js";

/**
 * `POST /admin/plan[?tenant=T][&at=YYYY-MM-DD]`: the plan the gateway would make for this chat
 * request body, with live health, without sending it anywhere. The `x-switchyard-*` override headers
 * apply as they would to the request itself, and so does `anthropic-beta`. Needs an admin key; the tenant defaults to the key's.
 */
export async function adminPlan(
  services: GatewayServices,
  request: IncomingMessage,
  response: ServerResponse,
  context: RequestContext,
  query: URLSearchParams,
): Promise<void> {
  const key = requireAdminKey(context);
  const tenant = query.get("tenant") ?? key.tenant;
  if (services.directory.tenant(tenant) === undefined)
    throw new GatewayError("invalid_request", `tenant: unknown tenant "${tenant}"`, { param: "tenant" });
  const atText = query.get("at") ?? undefined;
  const at = atText === undefined ? undefined : parseInstant(atText);
  if (atText !== undefined && at === undefined)
    throw new GatewayError("invalid_request", `at: "${atText}" is not a date (YYYY-MM-DD)`, { param: "at" });
  // An `anthropic-beta` header is planned as the Anthropic ingress would (a flag may exclude offerings).
  const chat = withBetas(
    parseChatRequest(
      await readModelRequest(request, services.config.server.bodyLimitBytes, context.cancellation, undefined),
    ),
    request.headers["anthropic-beta"],
  );
  if (!services.config.models.has(chat.model))
    throw new GatewayError("model_not_found", `The model \`${chat.model}\` does not exist.`, {
      param: "model",
    });
  const { features, overrides } = await planFeatures(services, tenant, request.headers, chat.model, chat);
  const plan = services.planner.plan(tenant, features, overrides, at);
  sendJson(response, 200, { tenant, ...planJson(plan, atText) }, context.headers);
}
