import type { ReasoningIssuer } from "../../core/chat-request.js";
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

/**
 * Whether a `guardrail_intervened` answer is a guardrail refusing the *prompt*: the trace's
 * `guardrail.inputAssessment` holds a policy whose action is `BLOCKED` (sent when tracing is on), or the
 * model produced no output token at all (the text is then the guardrail's blocked-input message, not an
 * answer). A guardrail on the output lets the model generate first, so its answer counts output tokens.
 * @see https://docs.aws.amazon.com/bedrock/latest/userguide/guardrails-use-converse-api.html
 */
export function guardrailBlockedInput(body: Record<string, unknown>): boolean {
  if (body["stopReason"] !== "guardrail_intervened") return false;
  const trace = body["trace"];
  const guardrail = isObject(trace) ? trace["guardrail"] : undefined;
  if (isObject(guardrail) && hasBlockedAction(guardrail["inputAssessment"])) return true;
  const usage = body["usage"];
  return isObject(usage) && usage["outputTokens"] === 0;
}

function hasBlockedAction(value: unknown, depth = 0): boolean {
  if (depth > 8) return false;
  if (Array.isArray(value)) return value.some((item) => hasBlockedAction(item, depth + 1));
  if (!isObject(value)) return false;
  if (value["action"] === "BLOCKED") return true;
  return Object.values(value).some((item) => hasBlockedAction(item, depth + 1));
}

/**
 * Who issued Converse reasoning: only Claude signs its reasoning (or redacts it), so a signed or redacted
 * block is Claude's; unsigned reasoning (DeepSeek R1 and others) is nobody's that a model could verify.
 */
export function converseIssuer(signed: boolean): ReasoningIssuer {
  return signed ? claudeOnBedrock : unsignedOnBedrock;
}

const claudeOnBedrock: ReasoningIssuer = Object.freeze({ vendor: "anthropic", dialect: "bedrock-converse" });
const unsignedOnBedrock: ReasoningIssuer = Object.freeze({ vendor: "unknown", dialect: "bedrock-converse" });
