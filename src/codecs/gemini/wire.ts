import type { FinishReason } from "../../core/chat-result.js";
import type { Usage } from "../../core/usage.js";

/**
 * Helpers shared by the gemini decoders: tolerant readers of Gemini's wire JSON (camelCase, proto3
 * JSON mapping, so absent fields mean zero or empty).
 * @see https://ai.google.dev/api/generate-content#v1beta.GenerateContentResponse
 */

import { count, isObject, usageOf } from "../wire-json.js";

export { isObject, type JsonObject } from "../wire-json.js";

/**
 * `usageMetadata` → canonical usage with OpenAI's semantics. `promptTokenCount` already includes
 * `cachedContentTokenCount`; tool-use prompt tokens are input too; thoughts are output
 * (`candidatesTokenCount` excludes them). Metadata without any count (Vertex stream chunks that carry
 * only `trafficType`) is no usage at all.
 * @see https://ai.google.dev/api/generate-content#UsageMetadata
 */
export function decodeUsage(value: unknown): Usage | undefined {
  if (!isObject(value)) return undefined;
  const prompt = count(value["promptTokenCount"]);
  const candidates = count(value["candidatesTokenCount"]);
  const thoughts = count(value["thoughtsTokenCount"]);
  const toolUse = count(value["toolUsePromptTokenCount"]);
  const total = count(value["totalTokenCount"]);
  if (prompt === undefined && candidates === undefined && thoughts === undefined && total === undefined)
    return undefined;
  const inputTokens = (prompt ?? 0) + (toolUse ?? 0);
  const outputTokens = (candidates ?? 0) + (thoughts ?? 0);
  return usageOf({
    inputTokens,
    outputTokens,
    totalTokens: total,
    cachedInputTokens: count(value["cachedContentTokenCount"]),
    reasoningTokens: thoughts,
  });
}

/** Finish reasons that mean the output was withheld or cut by a safety or policy filter. */
const filtered = new Set([
  "SAFETY",
  "RECITATION",
  "BLOCKLIST",
  "PROHIBITED_CONTENT",
  "SPII",
  "IMAGE_SAFETY",
  "IMAGE_PROHIBITED_CONTENT",
  "IMAGE_RECITATION",
]);

export function isFilteredFinish(reason: unknown): boolean {
  return typeof reason === "string" && filtered.has(reason);
}

/**
 * Gemini `finishReason` → canonical. A function call ends with `STOP` like any answer: the presence of
 * functionCall parts makes it `tool_calls`. `MALFORMED_FUNCTION_CALL`, `OTHER`, `LANGUAGE` and the
 * rest end the answer without a better OpenAI word: `stop`.
 */
export function decodeFinishReason(reason: unknown, hasToolCalls: boolean): FinishReason {
  if (reason === "MAX_TOKENS") return "length";
  if (isFilteredFinish(reason)) return "content_filter";
  return hasToolCalls ? "tool_calls" : "stop";
}

/** `"34s"`, `"1.5s"` (a protobuf Duration in JSON) → seconds. */
export function durationSeconds(value: unknown): number | undefined {
  if (typeof value !== "string") return undefined;
  const match = /^(\d+(?:\.\d+)?)s$/.exec(value.trim());
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/** Vertex adds `createTime` (RFC 3339) to responses; the Gemini API does not. */
export function createdSeconds(value: unknown): number | undefined {
  if (typeof value !== "string") return undefined;
  const millis = Date.parse(value);
  return Number.isNaN(millis) ? undefined : Math.floor(millis / 1000);
}
