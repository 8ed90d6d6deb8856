import type { ChatReply } from "../chat-reply.js";
import { base62 } from "../hashing.js";
import { countTextTokens, splitIntoTokenPieces } from "../tokens.js";
import type { WireError } from "../wire-errors.js";

export type StopReason = "end_turn" | "max_tokens" | "stop_sequence" | "tool_use";

/** The emulated answer in Anthropic's terms. */
export interface MessagesReply {
  id: string;
  model: string;
  text: string;
  toolCalls: { id: string; name: string; input: unknown; json: string }[];
  stopReason: StopReason;
  stopSequence: string | null;
  /** Every prompt token, cached or not. */
  inputTokens: number;
  outputTokens: number;
  /** The answer's extended thinking, signed by the emulator (or redacted), before its text. */
  thinking?: { text: string; signature: string } | { redacted: string };
  /** Prompt tokens read from and written to the cache (a part of `inputTokens`). */
  cacheRead?: number;
  cacheWrite?: number;
  /** Whether the cache write was for a 1-hour breakpoint. */
  cacheWriteLong?: boolean;
}

/**
 * Turns the shared planner's reply into Anthropic's: stop sequences are applied here because Anthropic
 * says which one matched (`stop_reason: "stop_sequence"`, `stop_sequence: "<it>"`).
 * Ids look like Anthropic's (`msg_01…`, `toolu_01…`; Vertex adds `vrtx_`).
 */
export function toMessagesReply(
  reply: ChatReply,
  stopSequences: readonly string[],
  identity: { seed: string; model: string; vertex: boolean },
): MessagesReply {
  const prefix = identity.vertex ? "vrtx_01" : "01";
  let text = reply.content ?? "";
  let stopReason: StopReason =
    reply.finishReason === "tool_calls"
      ? "tool_use"
      : reply.finishReason === "length"
        ? "max_tokens"
        : "end_turn";
  let stopSequence: string | null = null;
  let outputTokens = reply.completionTokens;
  if (reply.toolCalls.length === 0) {
    let at = -1;
    for (const sequence of stopSequences) {
      const found = sequence === "" ? -1 : text.indexOf(sequence);
      if (found !== -1 && (at === -1 || found < at)) {
        at = found;
        stopSequence = sequence;
      }
    }
    if (stopSequence !== null) {
      text = text.slice(0, at);
      stopReason = "stop_sequence";
      // The stop sequence itself was generated, then withheld: count it, as Anthropic does.
      outputTokens = countTextTokens(text) + countTextTokens(stopSequence);
    }
  }
  return {
    id: `msg_${prefix}${base62(identity.seed, 22)}`,
    model: identity.model,
    text,
    toolCalls: reply.toolCalls.map((call, index) => ({
      id: `toolu_${prefix}${base62(`${identity.seed}:tool:${index}`, 22)}`,
      name: call.name,
      input: JSON.parse(call.arguments) as unknown,
      json: call.arguments,
    })),
    stopReason,
    stopSequence,
    inputTokens: reply.promptTokens,
    outputTokens,
  };
}

/** Anthropic's usage: `input_tokens` counts only what was neither read from nor written to the cache. */
function usage(reply: MessagesReply, outputTokens: number) {
  const read = reply.cacheRead ?? 0;
  const write = reply.cacheWrite ?? 0;
  const long = reply.cacheWriteLong === true;
  return {
    input_tokens: reply.inputTokens - read - write,
    cache_creation_input_tokens: write,
    cache_read_input_tokens: read,
    cache_creation: {
      ephemeral_5m_input_tokens: long ? 0 : write,
      ephemeral_1h_input_tokens: long ? write : 0,
    },
    output_tokens: outputTokens,
    service_tier: "standard",
  };
}

function thinkingBlock(thinking: NonNullable<MessagesReply["thinking"]>): Record<string, unknown> {
  return "redacted" in thinking
    ? { type: "redacted_thinking", data: thinking.redacted }
    : { type: "thinking", thinking: thinking.text, signature: thinking.signature };
}

/** @see https://docs.anthropic.com/en/api/messages#response */
export function messageBody(reply: MessagesReply): unknown {
  const content: unknown[] = [];
  if (reply.thinking !== undefined) content.push(thinkingBlock(reply.thinking));
  if (reply.text !== "") content.push({ type: "text", text: reply.text });
  for (const call of reply.toolCalls)
    content.push({ type: "tool_use", id: call.id, name: call.name, input: call.input });
  return {
    id: reply.id,
    type: "message",
    role: "assistant",
    model: reply.model,
    content,
    stop_reason: reply.stopReason,
    stop_sequence: reply.stopSequence,
    usage: usage(reply, reply.outputTokens),
  };
}

/** One SSE event: its name, payload, and how many output tokens it carries (for pacing). */
export interface MessagesEvent {
  event: string;
  data: unknown;
  tokens: number;
}

/**
 * The event sequence of a streamed message: `message_start`, then per block `content_block_start`,
 * `content_block_delta`…, `content_block_stop` (a `ping` right after the first block opens, as the API
 * does), then `message_delta` with the stop reason and cumulative usage, then `message_stop`.
 * @see https://docs.anthropic.com/en/docs/build-with-claude/streaming#event-types
 */
export function messageEvents(reply: MessagesReply): MessagesEvent[] {
  const events: MessagesEvent[] = [];
  const push = (event: string, data: Record<string, unknown>, tokens = 0) =>
    events.push({ event, data: { type: event, ...data }, tokens });
  push("message_start", {
    message: {
      id: reply.id,
      type: "message",
      role: "assistant",
      model: reply.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: usage(reply, 1),
    },
  });
  let index = 0;
  const open = (block: Record<string, unknown>) => {
    push("content_block_start", { index, content_block: block });
    if (index === 0) push("ping", {});
  };
  const thinking = reply.thinking;
  if (thinking !== undefined && "redacted" in thinking) {
    open(thinkingBlock(thinking));
    push("content_block_stop", { index });
    index += 1;
  } else if (thinking !== undefined) {
    // The block opens empty; its text streams as thinking deltas, its signature last, before the stop.
    open({ type: "thinking", thinking: "", signature: "" });
    for (const piece of splitIntoTokenPieces(thinking.text)) {
      push(
        "content_block_delta",
        { index, delta: { type: "thinking_delta", thinking: piece.text } },
        piece.tokens,
      );
    }
    push("content_block_delta", { index, delta: { type: "signature_delta", signature: thinking.signature } });
    push("content_block_stop", { index });
    index += 1;
  }
  if (reply.text !== "" || reply.toolCalls.length === 0) {
    open({ type: "text", text: "" });
    for (const piece of splitIntoTokenPieces(reply.text)) {
      push("content_block_delta", { index, delta: { type: "text_delta", text: piece.text } }, piece.tokens);
    }
    push("content_block_stop", { index });
    index += 1;
  }
  for (const call of reply.toolCalls) {
    open({ type: "tool_use", id: call.id, name: call.name, input: {} });
    push("content_block_delta", { index, delta: { type: "input_json_delta", partial_json: "" } });
    for (const piece of splitIntoTokenPieces(call.json)) {
      push(
        "content_block_delta",
        { index, delta: { type: "input_json_delta", partial_json: piece.text } },
        piece.tokens,
      );
    }
    push("content_block_stop", { index });
    index += 1;
  }
  const final = usage(reply, reply.outputTokens);
  push("message_delta", {
    delta: { stop_reason: reply.stopReason, stop_sequence: reply.stopSequence },
    usage: {
      input_tokens: final.input_tokens,
      cache_creation_input_tokens: final.cache_creation_input_tokens,
      cache_read_input_tokens: final.cache_read_input_tokens,
      output_tokens: final.output_tokens,
    },
  });
  push("message_stop", {});
  return events;
}

/** Anthropic's error envelope. */
export function anthropicError(status: number, type: string, message: string, requestId: string): WireError {
  return { status, headers: {}, body: { type: "error", error: { type, message }, request_id: requestId } };
}

/** The `error.type` Anthropic uses for a status. @see https://docs.anthropic.com/en/api/errors */
export function errorTypeFor(status: number): string {
  switch (status) {
    case 401:
      return "authentication_error";
    case 402:
      return "billing_error";
    case 403:
      return "permission_error";
    case 404:
      return "not_found_error";
    case 413:
      return "request_too_large";
    case 429:
      return "rate_limit_error";
    case 504:
      return "timeout_error";
    case 529:
      return "overloaded_error";
    default:
      return status >= 500 ? "api_error" : "invalid_request_error";
  }
}

const injectedMessages: Record<string, string> = {
  authentication_error: "invalid x-api-key",
  billing_error: "Your credit balance is too low to access the Anthropic API.",
  permission_error: "Your API key does not have permission to use the specified resource.",
  not_found_error: "Not found",
  request_too_large: "Request exceeds the maximum allowed number of bytes.",
  rate_limit_error:
    "This request would exceed the rate limit for your organization of 50 requests per minute. For details, refer to: https://docs.claude.com/en/api/rate-limits.",
  timeout_error: "Request timed out",
  overloaded_error: "Overloaded",
  api_error: "Internal server error",
  invalid_request_error: "The emulator was told to reject this request (injected fault).",
};

/** The answer to an injected `status` fault, in Anthropic's envelope; 429 carries `retry-after`. */
export function injectedAnthropicError(
  status: number,
  retryAfterSeconds: number | undefined,
  requestId: string,
): WireError {
  const type = errorTypeFor(status);
  const error = anthropicError(status, type, injectedMessages[type] ?? "Error", requestId);
  if (retryAfterSeconds !== undefined || status === 429) {
    error.headers["retry-after"] = String(Math.ceil(retryAfterSeconds ?? 1));
  }
  if (status === 429) error.headers["anthropic-ratelimit-requests-remaining"] = "0";
  return error;
}

/** The error event `stream_error` injects inside a 200 stream. */
export const overloadedEvent = { type: "error", error: { type: "overloaded_error", message: "Overloaded" } };
