import type { FinishReason } from "../../core/chat-result.js";
import type { Usage } from "../../core/usage.js";
import type { ErrorCode } from "../../errors/codes.js";
import { count, isObject, ownEntry, usageOf, type JsonObject } from "../wire-json.js";

/**
 * Tolerant readers of the Responses API's wire JSON, shared by the non-streamed and streamed decoders.
 * They read `unknown` on purpose instead of the gateway's own Responses ingress types: those describe
 * what the gateway writes, and a decoder must also take what OpenAI adds and omits.
 */

export { isObject, type JsonObject };

/**
 * Responses `usage` → canonical usage. Same semantics as Chat Completions under other names:
 * `input_tokens` includes `cached_tokens`, `output_tokens` includes `reasoning_tokens`.
 * @see https://platform.openai.com/docs/api-reference/responses/object#responses/object-usage
 */
export function decodeUsage(value: unknown): Usage | undefined {
  if (!isObject(value)) return undefined;
  const inputTokens = count(value["input_tokens"]);
  const outputTokens = count(value["output_tokens"]);
  if (inputTokens === undefined && outputTokens === undefined) return undefined;
  const inputDetails = value["input_tokens_details"];
  const outputDetails = value["output_tokens_details"];
  return usageOf({
    inputTokens: inputTokens ?? 0,
    outputTokens: outputTokens ?? 0,
    totalTokens: count(value["total_tokens"]),
    cachedInputTokens: isObject(inputDetails) ? count(inputDetails["cached_tokens"]) : undefined,
    reasoningTokens: isObject(outputDetails) ? count(outputDetails["reasoning_tokens"]) : undefined,
  });
}

/**
 * A finished response's status → canonical finish reason. `incomplete` says why in
 * `incomplete_details.reason`: `max_output_tokens` → `length`, `content_filter` → `content_filter`.
 * Undefined for a status that is not an end (`failed` is decoded as an error, not a finish).
 */
export function decodeFinish(response: JsonObject, hasToolCalls: boolean): FinishReason | undefined {
  const status = response["status"];
  if (status === "completed") return hasToolCalls ? "tool_calls" : "stop";
  if (status !== "incomplete") return undefined;
  const details = response["incomplete_details"];
  const reason = isObject(details) ? details["reason"] : undefined;
  return reason === "content_filter" ? "content_filter" : "length";
}

/**
 * A `response.error.code` (or an `error` event's `code`) → the gateway's code. What the Responses API
 * reports for a failed response is a server-side fault or a limit, so the default is the stream error
 * (retryable, as a failover before the first byte); a refused prompt is not worth another try.
 * @see https://platform.openai.com/docs/api-reference/responses/object#responses/object-error
 */
const errorCodes: Readonly<Record<string, ErrorCode>> = {
  server_error: "upstream_server_error",
  rate_limit_exceeded: "upstream_rate_limited",
  invalid_prompt: "upstream_invalid_request",
  content_filter: "upstream_content_filter",
  context_length_exceeded: "upstream_invalid_request",
  insufficient_quota: "upstream_rejected",
};

export function codeForResponseError(code: unknown): ErrorCode {
  return ownEntry(errorCodes, typeof code === "string" ? code : undefined) ?? "upstream_stream_error";
}

/** The texts of an output message: its `output_text` parts and its `refusal` parts, each joined. */
export function messageTexts(item: JsonObject): { text: string; refusal: string } {
  let text = "";
  let refusal = "";
  const content = item["content"];
  if (!Array.isArray(content)) return { text, refusal };
  for (const part of content as unknown[]) {
    if (!isObject(part)) continue;
    if (part["type"] === "output_text" && typeof part["text"] === "string") text += part["text"];
    else if (part["type"] === "refusal" && typeof part["refusal"] === "string") refusal += part["refusal"];
  }
  return { text, refusal };
}

/**
 * A reasoning item's visible text: its summaries (OpenAI's reasoning models), else its `reasoning_text`
 * content (open models such as gpt-oss). Encrypted reasoning is not text and is not read.
 */
export function reasoningText(item: JsonObject): string {
  const pieces: string[] = [];
  for (const field of ["summary", "content"]) {
    const parts = item[field];
    if (!Array.isArray(parts)) continue;
    for (const part of parts as unknown[]) {
      if (isObject(part) && typeof part["text"] === "string" && part["text"] !== "")
        pieces.push(part["text"]);
    }
    if (pieces.length > 0) break;
  }
  return pieces.join("\n\n");
}
