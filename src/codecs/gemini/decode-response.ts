import type { ToolCall } from "../../core/chat-request.js";
import type { ChatResult } from "../../core/chat-result.js";
import { GatewayError } from "../../errors/gateway-error.js";
import { packToolCallId } from "./tool-call-id.js";
import { createdSeconds, decodeFinishReason, decodeUsage, isObject, type JsonObject } from "./wire.js";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function badResponse(message: string): GatewayError {
  return new GatewayError("upstream_bad_response", `the upstream's Gemini response is malformed: ${message}`);
}

/**
 * A prompt Gemini refused to take (`promptFeedback.blockReason`, no candidates): the client's request is
 * what was refused, so it is a content-filter error (400), not an empty answer. A candidate withheld or cut
 * by the filter once generation started (finish reason SAFETY, RECITATION…, with or without content) is
 * not an error: it is an answer that ends with `content_filter`, as OpenAI and Azure clients expect.
 * Returns undefined when the prompt was not blocked.
 * @see https://ai.google.dev/api/generate-content#PromptFeedback
 */
export function blockedPromptError(body: JsonObject): GatewayError | undefined {
  const feedback = body["promptFeedback"];
  const blockReason = isObject(feedback) ? feedback["blockReason"] : undefined;
  if (typeof blockReason === "string" && blockReason !== "" && blockReason !== "BLOCK_REASON_UNSPECIFIED") {
    return new GatewayError("upstream_content_filter", `Gemini blocked the prompt (${blockReason})`);
  }
  return undefined;
}

/** `candidates[0]`, or the error a response without one stands for. */
export function firstCandidate(body: JsonObject): JsonObject | GatewayError | undefined {
  const candidates = body["candidates"];
  const candidate = Array.isArray(candidates) ? (candidates[0] as unknown) : undefined;
  const blocked = blockedPromptError(body);
  if (blocked !== undefined) return blocked;
  return isObject(candidate) ? candidate : undefined;
}

/**
 * A `GenerateContentResponse` → canonical result. Text parts marked `thought: true` are reasoning
 * (thought summaries), never content. Function calls get gateway ids that carry their thought
 * signatures (see `tool-call-id.ts`); signatures on text parts are not kept (Gemini does not require
 * them back).
 * @see https://ai.google.dev/api/generate-content#v1beta.GenerateContentResponse
 */
export function decodeGeminiChatResponse(body: unknown): ChatResult {
  if (!isObject(body)) throw badResponse("the body is not a JSON object");
  const candidate = firstCandidate(body);
  if (candidate instanceof GatewayError) throw candidate;
  if (candidate === undefined) throw badResponse("it has no candidates");
  const responseId = typeof body["responseId"] === "string" ? body["responseId"] : undefined;
  const content = candidate["content"];
  const parts = isObject(content) && Array.isArray(content["parts"]) ? (content["parts"] as unknown[]) : [];
  let text: string | null = null;
  let reasoning = "";
  const toolCalls: ToolCall[] = [];
  for (const part of parts) {
    if (!isObject(part)) continue;
    const call = part["functionCall"];
    if (isObject(call)) {
      if (typeof call["name"] !== "string" || call["name"] === "")
        throw badResponse(`function call ${toolCalls.length} has no name`);
      const signature = typeof part["thoughtSignature"] === "string" ? part["thoughtSignature"] : undefined;
      toolCalls.push({
        id: packToolCallId(responseId, toolCalls.length, signature),
        name: call["name"],
        arguments: JSON.stringify(isObject(call["args"]) ? call["args"] : {}),
      });
    } else if (typeof part["text"] === "string") {
      if (part["thought"] === true) reasoning += part["text"];
      else text = (text ?? "") + part["text"];
    }
  }
  if (text === null && toolCalls.length === 0) text = "";
  const result: Mutable<ChatResult> = {
    text,
    toolCalls,
    finishReason: decodeFinishReason(candidate["finishReason"], toolCalls.length > 0),
  };
  if (responseId !== undefined && responseId !== "") result.id = responseId;
  if (typeof body["modelVersion"] === "string" && body["modelVersion"] !== "")
    result.model = body["modelVersion"];
  const created = createdSeconds(body["createTime"]);
  if (created !== undefined) result.created = created;
  if (reasoning !== "") result.reasoning = reasoning;
  const usage = decodeUsage(body["usageMetadata"]);
  if (usage !== undefined) result.usage = usage;
  return result;
}
