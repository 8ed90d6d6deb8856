import type { IncomingMessage, ServerResponse } from "node:http";
import type { Message } from "../../core/chat-request.js";
import { GatewayError } from "../../errors/gateway-error.js";
import type { GatewayServices } from "../../gateway/compose.js";
import { requireKey, serveChat, type ChatIngress } from "../../gateway/pipeline.js";
import type { CapabilityFields } from "../../gateway/plan-steps.js";
import {
  encodeResponse,
  outputMessages,
  type OutputItem,
  type ResponseIdentity,
} from "../../ingress/openai-responses/encode-response.js";
import { createResponseEventEncoder } from "../../ingress/openai-responses/encode-responses-stream.js";
import {
  parseResponsesRequest,
  toChatRequest,
} from "../../ingress/openai-responses/parse-responses-request.js";
import { readJsonBody } from "../body.js";
import { sendJson } from "../respond.js";
import type { RequestContext } from "./context.js";

/**
 * `POST /v1/responses`: OpenAI's Responses API over the same pipeline as every other chat route, so it
 * reaches every cloud. With `previous_response_id` the stored conversation (the earlier turns' input and
 * output) is replayed ahead of this turn's input to whichever offering serves it.
 */
export async function openaiResponsesCreate(
  services: GatewayServices,
  request: IncomingMessage,
  response: ServerResponse,
  context: RequestContext,
): Promise<void> {
  const body = await readJsonBody(request, services.config.server.bodyLimitBytes, context.cancellation);
  const parsed = parseResponsesRequest(body);
  const tenant = requireKey(context).tenant;
  let history: readonly Message[] = [];
  if (parsed.previousResponseId !== undefined) {
    const previous = await services.responses.get(tenant, parsed.previousResponseId);
    if (previous === undefined) {
      throw new GatewayError(
        "previous_response_not_found",
        `Previous response with id '${parsed.previousResponseId}' not found.`,
        { param: "previous_response_id" },
      );
    }
    history = previous.conversation;
  }
  const chat = toChatRequest(parsed, history);
  const identity: ResponseIdentity = {
    id: responseId(context.requestId),
    model: parsed.model,
    createdAt: services.nowSeconds(),
    instructions: parsed.instructions ?? null,
    previousResponseId: parsed.previousResponseId ?? null,
    store: parsed.store,
    echo: parsed.echo,
  };
  const save = (stored: Record<string, unknown>, output: readonly OutputItem[]): void => {
    if (!parsed.store) return;
    const conversation = [...history, ...parsed.input, ...outputMessages(output)];
    services.responses
      .put(tenant, { id: identity.id, response: stored, conversation })
      .catch((error: unknown) =>
        services.logger.error({ err: error, requestId: context.requestId }, "storing a response failed"),
      );
  };
  const ingress: ChatIngress = {
    fields: responsesFields,
    encodeResponse: (result) => {
      const encoded = encodeResponse(result, identity, services.nowSeconds());
      save(encoded, encoded["output"] as OutputItem[]);
      return encoded;
    },
    createStreamEncoder: () =>
      createResponseEventEncoder({ identity, nowSeconds: services.nowSeconds, onDone: save }),
  };
  await serveChat(services, response, context, chat, ingress);
}

/** `GET /v1/responses/{id}`: a stored response of the key's tenant; any other id is a 404. */
export async function openaiResponsesRetrieve(
  services: GatewayServices,
  response: ServerResponse,
  context: RequestContext,
  id: string,
): Promise<void> {
  const stored = await services.responses.get(requireKey(context).tenant, id);
  if (stored === undefined) throw notFound(id);
  sendJson(response, 200, stored.response, context.headers);
}

/** `DELETE /v1/responses/{id}`: forgets a stored response; the next turn that names it gets a 400. */
export async function openaiResponsesDelete(
  services: GatewayServices,
  response: ServerResponse,
  context: RequestContext,
  id: string,
): Promise<void> {
  const deleted = await services.responses.delete(requireKey(context).tenant, id);
  if (!deleted) throw notFound(id);
  sendJson(response, 200, { id, object: "response", deleted: true }, context.headers);
}

/** The Responses API's names for the fields that need a capability. */
const responsesFields: CapabilityFields = {
  tools: "tools",
  json: "text.format",
  vision: () => "input",
};

/** `resp_…` from the request id, so a response and its request's log lines share a name. */
function responseId(requestId: string): string {
  return `resp_${requestId.startsWith("req_") ? requestId.slice(4) : requestId}`;
}

function notFound(id: string): GatewayError {
  return new GatewayError("response_not_found", `Response with id '${id}' not found.`);
}
