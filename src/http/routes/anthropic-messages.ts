import type { IncomingMessage, ServerResponse } from "node:http";
import type { GatewayServices } from "../../gateway/compose.js";
import { requireKey, serveChat, type ChatIngress } from "../../gateway/pipeline.js";
import { resolveModel, type CapabilityFields } from "../../gateway/plan-steps.js";
import {
  countInputTokens,
  loadTokenCounter,
  type TextTokenCounter,
} from "../../ingress/anthropic/count-tokens.js";
import { withBetas } from "../../ingress/anthropic/betas.js";
import { encodeMessagesResponse } from "../../ingress/anthropic/encode-messages-response.js";
import { createEventEncoder } from "../../ingress/anthropic/encode-messages-stream.js";
import {
  parseCountTokensRequest,
  parseMessagesRequest,
} from "../../ingress/anthropic/parse-messages-request.js";
import { readJsonBody } from "../body.js";
import { sendJson } from "../respond.js";
import type { RequestContext } from "./context.js";

/** Whether a path belongs to the Anthropic ingress, whose errors use Anthropic's envelope. */
export function isAnthropicPath(path: string): boolean {
  return path.startsWith("/v1/messages") && (path.length === 12 || path.charCodeAt(12) === 47); /* / */
}

/**
 * `POST /v1/messages`: the same key, plan and executor as `/v1/chat/completions`, with Anthropic's
 * request, response, stream and error shapes. `anthropic-version` is accepted and not required (the
 * gateway speaks one version of the API); `anthropic-beta` flags go to each cloud that takes them
 * (catalog/anthropic-betas.ts) and are stripped, with a warning, where it does not.
 */
export async function anthropicMessages(
  services: GatewayServices,
  request: IncomingMessage,
  response: ServerResponse,
  context: RequestContext,
): Promise<void> {
  const body = await readJsonBody(request, services.config.server.bodyLimitBytes, context.cancellation);
  const chat = withBetas(parseMessagesRequest(body), request.headers["anthropic-beta"]);
  // message_start needs the input tokens before the upstream reports them (most do at the end): the
  // gateway's own count stands in. Only the first stream waits for the tokenizer to load.
  const countText = chat.stream ? await loadTokenCounter() : undefined;
  await serveChat(services, response, context, chat, anthropicIngress(countText));
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
  const chat = parseCountTokensRequest(
    await readJsonBody(request, services.config.server.bodyLimitBytes, context.cancellation),
  );
  context.trace.model = chat.model;
  resolveModel(services, requireKey(context), chat.model, "chat");
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

/** Anthropic's message objects and named events; `countText` is loaded for streams. */
function anthropicIngress(countText: TextTokenCounter | undefined): ChatIngress {
  return {
    fields: anthropicFields,
    encodeResponse: (result, chat, context) =>
      encodeMessagesResponse(result, { id: `msg_${context.requestId}`, model: chat.model }),
    createStreamEncoder: (chat, context) =>
      createEventEncoder({
        id: `msg_${context.requestId}`,
        model: chat.model,
        requestId: context.requestId,
        ...(countText === undefined ? {} : { estimateInputTokens: () => countInputTokens(chat, countText) }),
      }),
  };
}
