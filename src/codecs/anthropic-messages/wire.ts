import type { FinishReason } from "../../core/chat-result.js";
import { ownEntry } from "../wire-json.js";
import type { Usage } from "../../core/usage.js";
import type { ErrorCode } from "../../errors/codes.js";

/** Helpers shared by the anthropic-messages decoders: tolerant readers of Anthropic's wire JSON. */

import { count, isObject } from "../wire-json.js";

export { count, isObject, type JsonObject } from "../wire-json.js";

/** Anthropic's usage counters as they arrive; a stream merges several of these. */
export interface WireUsage {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

/**
 * Reads Anthropic `usage` into `into`, overwriting only the counters present: `message_delta.usage` may
 * carry only `output_tokens` (older API) or repeat every counter (newer API), always cumulatively.
 * Returns whether any counter was present.
 */
export function readUsage(value: unknown, into: WireUsage): boolean {
  if (!isObject(value)) return false;
  let seen = false;
  const take = (name: string, key: keyof WireUsage) => {
    const found = count(value[name]);
    if (found === undefined) return;
    into[key] = found;
    seen = true;
  };
  take("input_tokens", "input");
  take("output_tokens", "output");
  take("cache_read_input_tokens", "cacheRead");
  take("cache_creation_input_tokens", "cacheWrite");
  return seen;
}

/**
 * Anthropic usage → canonical usage with OpenAI's semantics: Anthropic's `input_tokens` excludes the
 * cache, OpenAI's `prompt_tokens` includes it, so input = input + cache read + cache write.
 * @see https://docs.anthropic.com/en/docs/build-with-claude/prompt-caching#tracking-cache-performance
 */
export function toUsage(wire: WireUsage): Usage {
  const inputTokens = wire.input + wire.cacheRead + wire.cacheWrite;
  return {
    inputTokens,
    outputTokens: wire.output,
    totalTokens: inputTokens + wire.output,
    cachedInputTokens: wire.cacheRead,
    cacheWriteInputTokens: wire.cacheWrite,
  };
}

/**
 * `stop_reason` → canonical finish reason (reference §6.1). `pause_turn` means a server-tool loop paused
 * with a usable answer so far; an unknown future reason is read as a natural stop (or tool calls, when
 * the answer has some).
 * @see https://docs.anthropic.com/en/api/handling-stop-reasons
 */
export function decodeStopReason(value: unknown, hasToolCalls: boolean): FinishReason {
  switch (value) {
    case "end_turn":
    case "stop_sequence":
    case "pause_turn":
      return "stop";
    case "max_tokens":
    case "model_context_window_exceeded":
      return "length";
    case "tool_use":
      return "tool_calls";
    case "refusal":
      return "content_filter";
    default:
      return hasToolCalls ? "tool_calls" : "stop";
  }
}

/**
 * Anthropic's `error.type` → gateway code, for errors inside a 200 stream (and as a fallback when an
 * HTTP status says little). Unknown types are a generic in-stream failure, which is retryable.
 * @see https://docs.anthropic.com/en/api/errors
 */
const codesByType: Readonly<Record<string, ErrorCode>> = {
  invalid_request_error: "upstream_invalid_request",
  request_too_large: "upstream_invalid_request",
  authentication_error: "upstream_auth_failed",
  permission_error: "upstream_auth_failed",
  billing_error: "upstream_rejected",
  not_found_error: "upstream_model_not_found",
  rate_limit_error: "upstream_rate_limited",
  timeout_error: "upstream_timeout",
  api_error: "upstream_server_error",
  overloaded_error: "upstream_unavailable",
};

export function codeForErrorType(type: string | undefined): ErrorCode | undefined {
  return ownEntry(codesByType, type);
}

/** `{"type":"error","error":{"type","message","details"?}}`, and Google's envelope (Claude on Vertex). */
export interface AnthropicWireError {
  readonly type: string | undefined;
  readonly message: string | undefined;
  /** `error.details.error_code`, e.g. `enforced_spend_limit_reached` on a 429. */
  readonly detailCode: string | undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

export function readWireError(body: unknown): AnthropicWireError | undefined {
  const root = Array.isArray(body) ? (body[0] as unknown) : body;
  if (!isObject(root)) return undefined;
  const error = root["error"];
  if (typeof error === "string") return { type: undefined, message: error, detailCode: undefined };
  if (!isObject(error)) return undefined;
  const details = error["details"];
  const wire: AnthropicWireError = {
    // Vertex answers in Google's envelope: `{error:{code,message,status}}`.
    type: text(error["type"]) ?? text(error["status"]),
    message: text(error["message"]),
    detailCode: isObject(details) ? text(details["error_code"]) : undefined,
  };
  return wire.type === undefined && wire.message === undefined ? undefined : wire;
}
