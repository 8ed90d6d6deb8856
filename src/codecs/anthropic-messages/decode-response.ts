import type { ReasoningIssuer, ReasoningPart, ToolCall } from "../../core/chat-request.js";
import type { ChatResult } from "../../core/chat-result.js";
import { GatewayError } from "../../errors/gateway-error.js";
import { codeForErrorType, decodeStopReason, isObject, readUsage, readWireError, toUsage } from "./wire.js";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Every block of this dialect comes from a Claude model. */
export const ANTHROPIC_ISSUER: ReasoningIssuer = Object.freeze({
  vendor: "anthropic",
  dialect: "anthropic-messages",
});

function badResponse(message: string): GatewayError {
  return new GatewayError("upstream_bad_response", `the upstream's message is malformed: ${message}`);
}

/**
 * An Anthropic `message` → canonical result. Text blocks are joined; `thinking` blocks become the
 * reasoning text, and with `redacted_thinking` the reasoning blocks (signatures kept, for the client's
 * replay); `tool_use` blocks become tool calls with the input serialised back to JSON text.
 * Server-tool blocks and unknown future block types carry nothing canonical and are skipped.
 * @see https://docs.anthropic.com/en/api/messages#response-content
 */
export function decodeAnthropicMessagesResponse(body: unknown): ChatResult {
  if (!isObject(body)) throw badResponse("the body is not a JSON object");
  if (body["type"] === "error") {
    const wire = readWireError(body);
    throw new GatewayError(
      codeForErrorType(wire?.type) ?? "upstream_bad_response",
      wire?.message ?? "the upstream answered with an error object",
    );
  }
  const content = body["content"];
  if (!Array.isArray(content)) throw badResponse("content is not an array");
  let text: string | null = null;
  let reasoning = "";
  const blocks: ReasoningPart[] = [];
  const toolCalls: ToolCall[] = [];
  for (const [index, block] of (content as unknown[]).entries()) {
    if (!isObject(block)) throw badResponse(`content[${index}] is not an object`);
    switch (block["type"]) {
      case "text":
        if (typeof block["text"] !== "string") throw badResponse(`content[${index}].text is not a string`);
        text = (text ?? "") + block["text"];
        break;
      case "thinking": {
        const thinking = typeof block["thinking"] === "string" ? block["thinking"] : "";
        reasoning += thinking;
        const signature = block["signature"];
        blocks.push(
          typeof signature === "string" && signature !== ""
            ? { type: "reasoning", thinking, signature, issuer: ANTHROPIC_ISSUER }
            : { type: "reasoning", thinking, issuer: ANTHROPIC_ISSUER },
        );
        break;
      }
      case "redacted_thinking":
        if (typeof block["data"] === "string") {
          blocks.push({
            type: "reasoning",
            thinking: "",
            redactedData: block["data"],
            issuer: ANTHROPIC_ISSUER,
          });
        }
        break;
      case "tool_use": {
        const { id, name, input } = block;
        if (typeof id !== "string" || typeof name !== "string") {
          throw badResponse(`content[${index}] is a tool_use without id or name`);
        }
        toolCalls.push({ id, name, arguments: JSON.stringify(input ?? {}) });
        break;
      }
      default:
        break;
    }
  }
  const result: Mutable<ChatResult> = {
    text,
    toolCalls,
    finishReason: decodeStopReason(body["stop_reason"], toolCalls.length > 0),
  };
  if (typeof body["id"] === "string" && body["id"] !== "") result.id = body["id"];
  if (typeof body["model"] === "string" && body["model"] !== "") result.model = body["model"];
  if (reasoning !== "") result.reasoning = reasoning;
  if (blocks.length > 0) result.reasoningBlocks = blocks;
  if (typeof body["stop_sequence"] === "string") result.stopSequence = body["stop_sequence"];
  const usage = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };
  if (readUsage(body["usage"], usage)) result.usage = toUsage(usage);
  return result;
}
