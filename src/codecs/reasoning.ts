import type { Warning } from "./codec.js";
import type { AssistantContentPart, ChatRequest, ReasoningPart, TextPart } from "../core/chat-request.js";

/** The parameter a dropped reasoning block is reported under (one warning per request, whatever the count). */
export const REASONING_PARAM = "messages[].content[].thinking";

/** An assistant turn's text parts, without its reasoning blocks. */
export function textParts(parts: readonly AssistantContentPart[]): TextPart[] {
  return parts.filter((part): part is TextPart => part.type === "text");
}

export function hasReasoning(parts: readonly AssistantContentPart[]): boolean {
  return parts.some((part) => part.type === "reasoning");
}

/**
 * Whether a Claude model can verify the block: Claude issued it and it carries a signature (or is a
 * redacted block, whose payload is its own proof). Claude signatures hold on Anthropic, Bedrock and Vertex.
 */
export function claudeCanVerify(part: ReasoningPart): boolean {
  if (part.issuer?.vendor !== "anthropic") return false;
  return part.redactedData !== undefined ? part.redactedData !== "" : (part.signature ?? "") !== "";
}

/**
 * The warning for reasoning blocks a target cannot take: a signature is checked by the model that issued
 * it, so a block replayed to another vendor's model (or an unsigned one to Claude) would be rejected.
 * It is dropped, never sent malformed.
 */
export function droppedReasoning(target: string): Warning {
  return {
    code: "parameter_ignored",
    param: REASONING_PARAM,
    message: `${REASONING_PARAM}: reasoning blocks whose signature ${target} cannot verify were dropped`,
  };
}

/** Whether any assistant turn of the request replays reasoning blocks. */
export function requestHasReasoning(request: ChatRequest): boolean {
  return request.messages.some((message) => message.role === "assistant" && hasReasoning(message.content));
}

/** Whether the request marks any prompt-cache breakpoint (Anthropic `cache_control`). */
export function requestHasCacheControl(request: ChatRequest): boolean {
  if (request.tools?.some((tool) => tool.cacheControl !== undefined) === true) return true;
  return request.messages.some((message) => {
    switch (message.role) {
      case "system":
      case "tool":
        return message.cacheControl !== undefined;
      case "user":
        return message.content.some((part) => part.cacheControl !== undefined);
      case "assistant":
        return (
          message.content.some((part) => part.type === "text" && part.cacheControl !== undefined) ||
          (message.toolCalls?.some((call) => call.cacheControl !== undefined) ?? false)
        );
    }
  });
}

/**
 * The warnings of a dialect that has neither reasoning replay nor cache breakpoints (OpenAI, Gemini):
 * their models cannot check Claude's signatures, and they cache prompts on their own.
 */
export function foreignDialectWarnings(request: ChatRequest, target: string): Warning[] {
  const warnings: Warning[] = [];
  if (requestHasReasoning(request)) warnings.push(droppedReasoning(target));
  if (requestHasCacheControl(request)) {
    warnings.push({
      code: "parameter_ignored",
      param: "cache_control",
      message: `cache_control: ${target} has no cache breakpoints (it caches prompts on its own); they were not sent`,
    });
  }
  return warnings;
}
