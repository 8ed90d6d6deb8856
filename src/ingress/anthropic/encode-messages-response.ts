import type { FinishReason } from "../../core/chat-result.js";
import type { ChatResult } from "../../core/chat-result.js";
import { encodeUsage, unknownUsage, type AnthropicUsage } from "./usage.js";

export interface MessageResponseContext {
  /** The gateway's `msg_…` id, used unless the upstream gave an Anthropic-style id of its own. */
  readonly id: string;
  /** The model the client asked for, used when the upstream did not say which answered. */
  readonly model: string;
}

export type StopReason = "end_turn" | "max_tokens" | "stop_sequence" | "tool_use" | "refusal";

export type ContentBlock =
  | { type: "thinking"; thinking: string; signature: string }
  | { type: "redacted_thinking"; data: string }
  | { type: "text"; text: string }
  | { type: "tool_use"; id: string; name: string; input: Record<string, unknown> };

export interface AnthropicMessage {
  id: string;
  type: "message";
  role: "assistant";
  model: string;
  content: ContentBlock[];
  stop_reason: StopReason;
  stop_sequence: string | null;
  usage: AnthropicUsage;
}

/**
 * Canonical finish → Anthropic `stop_reason`: `stop` is `stop_sequence` when the upstream said which
 * sequence matched (OpenAI-style upstreams do not, so theirs read `end_turn`).
 */
export function stopReason(finish: FinishReason, stopSequence: string | undefined): StopReason {
  switch (finish) {
    case "stop":
      return stopSequence === undefined ? "end_turn" : "stop_sequence";
    case "length":
      return "max_tokens";
    case "tool_calls":
      return "tool_use";
    case "content_filter":
      return "refusal";
  }
}

/**
 * A canonical tool call's arguments → `tool_use.input`. Anthropic's `input` is always an object; an
 * upstream's arguments that are not a JSON object (cut off at `max_tokens`, say) are kept whole as
 * `{"_raw_arguments": "<text>"}` rather than dropped, so the client can see what the model produced.
 */
export function toolInput(args: string): Record<string, unknown> {
  if (args.trim() === "") return {};
  try {
    const parsed = JSON.parse(args) as unknown;
    if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) {
      return parsed as Record<string, unknown>;
    }
  } catch {
    // Not JSON: kept raw below.
  }
  return { _raw_arguments: args };
}

/** Anthropic-style ids only: an OpenAI `chatcmpl-…` id would look wrong to a Claude client. */
export function messageId(upstreamId: string | undefined, fallback: string): string {
  return upstreamId?.startsWith("msg_") === true ? upstreamId : fallback;
}

/**
 * Canonical result → an Anthropic `message`. Blocks in Anthropic's order: thinking, text, tool uses.
 * Reasoning blocks keep their signatures (and redacted blocks their data), so the client can replay
 * them; reasoning from a model that signs nothing (OpenAI-style, Gemini) gets an empty signature, which
 * the gateway drops, with a warning, if it is replayed. A refusal with no text becomes the text, as
 * Anthropic puts a refusal's words in a text block.
 * @see https://docs.claude.com/en/api/messages
 */
export function encodeMessagesResponse(
  result: ChatResult,
  context: MessageResponseContext,
): AnthropicMessage {
  const content: ContentBlock[] = [];
  if (result.reasoningBlocks !== undefined) {
    for (const block of result.reasoningBlocks) {
      content.push(
        block.redactedData !== undefined
          ? { type: "redacted_thinking", data: block.redactedData }
          : { type: "thinking", thinking: block.thinking, signature: block.signature ?? "" },
      );
    }
  } else if (result.reasoning !== undefined && result.reasoning !== "") {
    content.push({ type: "thinking", thinking: result.reasoning, signature: "" });
  }
  const text = result.text ?? result.refusal ?? null;
  const hasCalls = result.toolCalls.length > 0;
  if (text !== null && (text !== "" || (!hasCalls && content.length === 0)))
    content.push({ type: "text", text });
  for (const call of result.toolCalls) {
    content.push({ type: "tool_use", id: call.id, name: call.name, input: toolInput(call.arguments) });
  }
  // A refusal in place of an answer ends with Anthropic's own word for it.
  const refused = result.text === null && result.refusal !== undefined && result.finishReason === "stop";
  const reason = refused ? "refusal" : stopReason(result.finishReason, result.stopSequence);
  return {
    id: messageId(result.id, context.id),
    type: "message",
    role: "assistant",
    model: result.model ?? context.model,
    content,
    stop_reason: reason,
    stop_sequence: reason === "stop_sequence" ? (result.stopSequence ?? null) : null,
    usage: result.usage === undefined ? { ...unknownUsage } : encodeUsage(result.usage),
  };
}
