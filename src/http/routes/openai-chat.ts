import type { IncomingMessage, ServerResponse } from "node:http";
import type { GatewayServices } from "../../gateway/compose.js";
import { serveChat, type ChatIngress } from "../../gateway/pipeline.js";
import { openaiFields } from "../../gateway/plan-steps.js";
import { encodeChatResponse } from "../../ingress/openai/encode-chat-response.js";
import { createChunkEncoder } from "../../ingress/openai/encode-chat-stream.js";
import { parseChatRequest } from "../../ingress/openai/parse-chat-request.js";
import { readModelRequest } from "../body.js";
import type { RequestContext } from "./context.js";

/** `POST /v1/chat/completions` (and Azure's deployment paths) */
export async function openaiChatCompletions(
  services: GatewayServices,
  request: IncomingMessage,
  response: ServerResponse,
  context: RequestContext,
  /** The model named by the URL (an Azure deployment path), which wins over the body's. */
  modelFromPath: string | undefined,
): Promise<void> {
  const body = await readModelRequest(
    request,
    services.config.server.bodyLimitBytes,
    context.cancellation,
    modelFromPath,
  );
  await serveChat(services, response, context, parseChatRequest(body), openaiChatIngress(services));
}

/** OpenAI's chat completion objects and chunks; one per gateway, as it only closes over the clock. */
function openaiChatIngress(services: GatewayServices): ChatIngress {
  return (ingresses.get(services) ??
    ingresses
      .set(services, {
        fields: openaiFields,
        encodeResponse: (result, chat, context) =>
          encodeChatResponse(result, identity(services, chat, context)),
        createStreamEncoder: (chat, context) =>
          createChunkEncoder({ ...identity(services, chat, context), includeUsage: chat.includeUsage }),
      })
      .get(services)) as ChatIngress;
}

const ingresses = new WeakMap<GatewayServices, ChatIngress>();

function identity(
  services: GatewayServices,
  chat: { readonly model: string },
  context: RequestContext,
): { id: string; model: string; created: number } {
  return { id: `chatcmpl-${context.requestId}`, model: chat.model, created: services.nowSeconds() };
}
