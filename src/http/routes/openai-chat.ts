import type { IncomingMessage, ServerResponse } from "node:http";
import { encodeChatResponse } from "../../ingress/openai/encode-chat-response.js";
import { parseChatRequest } from "../../ingress/openai/parse-chat-request.js";
import { readModelRequest } from "../body.js";
import { SseSink } from "../sse-sink.js";
import { createChunkEncoder } from "../../ingress/openai/encode-chat-stream.js";
import { sendJson } from "../respond.js";
import { addRouteHeaders } from "../route-headers.js";
import { openaiFields, planChat, type GatewayServices } from "../services.js";
import type { RequestContext } from "./context.js";

/** `POST /v1/chat/completions` */
export async function openaiChatCompletions(
  services: GatewayServices,
  request: IncomingMessage,
  response: ServerResponse,
  context: RequestContext,
  /** The model named by the URL (an Azure deployment path), which wins over the body's. */
  modelFromPath: string | undefined,
): Promise<void> {
  const key = services.keys.authenticate(request.headers);
  const chat = parseChatRequest(
    await readModelRequest(
      request,
      services.config.server.bodyLimitBytes,
      context.cancellation,
      modelFromPath,
    ),
  );
  const planned = planChat(services, key, request.headers, chat, openaiFields);
  // A promise only while the tokenizer loads for the first request that needs it.
  const plan = planned instanceof Promise ? await planned : planned;

  const attempts = context.attempts;
  const identity = { id: `chatcmpl-${context.requestId}`, model: chat.model, created: services.nowSeconds() };
  if (!chat.stream) {
    const { result, route } = await services.executor.chat(chat, plan, context.cancellation, attempts);
    const headers = addRouteHeaders(context.headers, route, attempts.length);
    sendJson(response, 200, encodeChatResponse(result, identity), headers);
    return;
  }
  const encoder = createChunkEncoder({ ...identity, includeUsage: chat.includeUsage });
  const sink = new SseSink(response, attempts, context.headers, encoder);
  await services.executor.chatStream(chat, plan, context.cancellation, attempts, sink);
}
