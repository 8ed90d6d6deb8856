import type { IncomingMessage, ServerResponse } from "node:http";
import { countInputTokens, loadTokenCounter } from "../../ingress/anthropic/count-tokens.js";
import { encodeMessagesResponse } from "../../ingress/anthropic/encode-messages-response.js";
import {
  parseCountTokensRequest,
  parseMessagesRequest,
} from "../../ingress/anthropic/parse-messages-request.js";
import { readJsonBody } from "../body.js";
import { SseSink } from "../sse-sink.js";
import { createEventEncoder } from "../../ingress/anthropic/encode-messages-stream.js";
import { sendJson } from "../respond.js";
import { addRouteHeaders } from "../route-headers.js";
import { planChat, resolveModel, type CapabilityFields, type GatewayServices } from "../services.js";
import type { RequestContext } from "./context.js";

/** Whether a path belongs to the Anthropic ingress, whose errors use Anthropic's envelope. */
export function isAnthropicPath(path: string): boolean {
  return path.startsWith("/v1/messages") && (path.length === 12 || path.charCodeAt(12) === 47); /* / */
}

/**
 * `POST /v1/messages`: the same key, plan and executor as `/v1/chat/completions`, with Anthropic's
 * request, response, stream and error shapes. The `anthropic-version` and `anthropic-beta` headers
 * are accepted and not required: the gateway speaks one version of the API.
 */
export async function anthropicMessages(
  services: GatewayServices,
  request: IncomingMessage,
  response: ServerResponse,
  context: RequestContext,
): Promise<void> {
  context.headers.push("request-id", context.requestId);
  const key = services.keys.authenticate(request.headers);
  const chat = parseMessagesRequest(
    await readJsonBody(request, services.config.server.bodyLimitBytes, context.cancellation),
  );
  const planned = planChat(services, key, request.headers, chat, anthropicFields);
  // A promise only while the tokenizer loads for the first request that needs it.
  const plan = planned instanceof Promise ? await planned : planned;

  const attempts = context.attempts;
  const identity = { id: `msg_${context.requestId}`, model: chat.model };
  if (!chat.stream) {
    const { result, route } = await services.executor.chat(chat, plan, context.cancellation, attempts);
    const headers = addRouteHeaders(context.headers, route, attempts.length);
    sendJson(response, 200, encodeMessagesResponse(result, identity), headers);
    return;
  }
  // message_start needs the input tokens before the upstream reports them (most do at the end): the
  // gateway's own count stands in. Only the first stream waits for the tokenizer to load.
  const countText = await loadTokenCounter();
  const encoder = createEventEncoder({
    ...identity,
    requestId: context.requestId,
    estimateInputTokens: () => countInputTokens(chat, countText),
  });
  const sink = new SseSink(response, attempts, context.headers, encoder);
  await services.executor.chatStream(chat, plan, context.cancellation, attempts, sink);
}

/**
 * `POST /v1/messages/count_tokens`: answered by the gateway itself, with an estimate (see
 * `countInputTokens`); the key must be allowed the model, as for `/v1/messages`.
 */
export async function anthropicCountTokens(
  services: GatewayServices,
  request: IncomingMessage,
  response: ServerResponse,
  context: RequestContext,
): Promise<void> {
  context.headers.push("request-id", context.requestId);
  const key = services.keys.authenticate(request.headers);
  const chat = parseCountTokensRequest(
    await readJsonBody(request, services.config.server.bodyLimitBytes, context.cancellation),
  );
  resolveModel(services, key, chat.model, "chat");
  const countText = await loadTokenCounter();
  sendJson(response, 200, { input_tokens: countInputTokens(chat, countText) }, context.headers);
}

/**
 * Anthropic's names for the fields that need a capability. Canonical messages do not line up one to one
 * with Anthropic's (tool results are split out), so an image names the list rather than a wrong index.
 */
const anthropicFields: CapabilityFields = {
  tools: "tools",
  json: "output_config.format",
  vision: () => "messages",
};
