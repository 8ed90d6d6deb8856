import type { FinishReason } from "../../core/chat-result.js";
import type { Usage } from "../../core/usage.js";

/** Tolerant readers of Bedrock's wire JSON, shared by the Converse decoders. */

import { count, isObject, usageOf } from "../wire-json.js";

export { isObject, type JsonObject } from "../wire-json.js";

/**
 * Bedrock `usage` → canonical usage. Bedrock's `inputTokens` excludes prompt-cache reads and writes;
 * the canonical (OpenAI) input count includes both. Older responses name the cache fields `…Count`.
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_TokenUsage.html
 */
export function decodeUsage(value: unknown): Usage | undefined {
  if (!isObject(value)) return undefined;
  const input = count(value["inputTokens"]);
  const output = count(value["outputTokens"]);
  if (input === undefined && output === undefined) return undefined;
  const cacheRead = count(value["cacheReadInputTokens"]) ?? count(value["cacheReadInputTokenCount"]);
  const cacheWrite = count(value["cacheWriteInputTokens"]) ?? count(value["cacheWriteInputTokenCount"]);
  const inputTokens = (input ?? 0) + (cacheRead ?? 0) + (cacheWrite ?? 0);
  const outputTokens = output ?? 0;
  return usageOf({
    inputTokens,
    outputTokens,
    // Bedrock's own total already counts the cache; a missing one is the sum.
    totalTokens: count(value["totalTokens"]),
    cachedInputTokens: cacheRead,
    cacheWriteInputTokens: cacheWrite,
  });
}

/**
 * Bedrock `stopReason` → canonical. `malformed_*` are best-effort stops (the reference's suggestion);
 * an unknown reason is a stop, or `tool_calls` when the answer has tool calls.
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html#API_runtime_Converse_ResponseSyntax
 */
export function decodeStopReason(value: unknown, hasToolCalls: boolean): FinishReason {
  switch (value) {
    case "end_turn":
    case "stop_sequence":
      return hasToolCalls ? "tool_calls" : "stop";
    case "max_tokens":
    case "model_context_window_exceeded":
      return "length";
    case "tool_use":
      return "tool_calls";
    case "guardrail_intervened":
    case "content_filtered":
      return "content_filter";
    default:
      return hasToolCalls ? "tool_calls" : "stop";
  }
}

/**
 * The stop sequence that ended generation, where the model family reports it: Claude puts it in
 * `additionalModelResponseFields.stop_sequence` (under `delta` in a stream's `messageStop`).
 */
export function readStopSequence(fields: unknown): string | undefined {
  if (!isObject(fields)) return undefined;
  const direct = fields["stop_sequence"];
  if (typeof direct === "string" && direct !== "") return direct;
  const delta = fields["delta"];
  if (isObject(delta) && typeof delta["stop_sequence"] === "string" && delta["stop_sequence"] !== "") {
    return delta["stop_sequence"];
  }
  return undefined;
}

/** A tool's input (a JSON document on the wire) → the canonical arguments text. */
export function argumentsText(input: unknown): string {
  return input === undefined ? "{}" : JSON.stringify(input);
}
