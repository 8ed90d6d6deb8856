import type { FinishReason } from "../../core/chat-result.js";
import type { Usage } from "../../core/usage.js";

/** Helpers shared by the openai-chat decoders: tolerant readers of OpenAI's wire JSON. */

import { count, isObject, usageOf } from "../wire-json.js";

export { isObject, type JsonObject } from "../wire-json.js";

/**
 * OpenAI `usage` → canonical usage (same semantics: prompt includes cached, completion includes reasoning).
 * Older and OpenAI-compatible shapes lack the detail objects; a missing total is the sum.
 * @see https://platform.openai.com/docs/api-reference/chat/object#chat/object-usage
 */
export function decodeUsage(value: unknown): Usage | undefined {
  if (!isObject(value)) return undefined;
  const inputTokens = count(value["prompt_tokens"]);
  const outputTokens = count(value["completion_tokens"]);
  if (inputTokens === undefined && outputTokens === undefined) return undefined;
  const input = inputTokens ?? 0;
  const output = outputTokens ?? 0;
  const promptDetails = value["prompt_tokens_details"];
  const completionDetails = value["completion_tokens_details"];
  return usageOf({
    inputTokens: input,
    outputTokens: output,
    totalTokens: count(value["total_tokens"]),
    cachedInputTokens: isObject(promptDetails) ? count(promptDetails["cached_tokens"]) : undefined,
    reasoningTokens: isObject(completionDetails) ? count(completionDetails["reasoning_tokens"]) : undefined,
  });
}

/**
 * OpenAI `finish_reason` → canonical. `function_call` is the deprecated name of `tool_calls`;
 * values only some compatible servers invent (`eos`, `end_turn`) mean a natural stop.
 */
export function decodeFinishReason(value: unknown, hasToolCalls: boolean): FinishReason {
  switch (value) {
    case "stop":
    case "length":
    case "tool_calls":
    case "content_filter":
      return value;
    case "function_call":
      return "tool_calls";
    default:
      return hasToolCalls ? "tool_calls" : "stop";
  }
}

/** Reads `{error:{message,type,param,code}}` and the looser shapes OpenAI-compatible servers send. */
export interface WireError {
  readonly message: string | undefined;
  readonly type: string | undefined;
  readonly code: string | undefined;
  readonly param: string | undefined;
  readonly innerCode: string | undefined;
}

function text(value: unknown): string | undefined {
  if (typeof value === "string") return value === "" ? undefined : value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return undefined;
}

export function readWireError(body: unknown): WireError | undefined {
  const root = Array.isArray(body) ? (body[0] as unknown) : body;
  if (!isObject(root)) return undefined;
  const error = root["error"];
  if (typeof error === "string") {
    return { message: error, type: undefined, code: undefined, param: undefined, innerCode: undefined };
  }
  const source = isObject(error) ? error : root;
  const inner = source["innererror"];
  const wire: WireError = {
    message: text(source["message"]) ?? text(source["detail"]),
    type: text(source["type"]),
    code: text(source["code"]),
    param: text(source["param"]),
    innerCode: isObject(inner) ? text(inner["code"]) : undefined,
  };
  return wire.message === undefined && wire.code === undefined && wire.type === undefined ? undefined : wire;
}
